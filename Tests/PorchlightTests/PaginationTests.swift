import Foundation
import Testing
@testable import Porchlight

/// Long lists link to a window of pages, so a page's length does not grow with the list.
struct PaginationTests {
    @Test func fewPagesAreAllLinked() {
        #expect(SitePlan.pageWindow(current: 1, total: 1) == [1])
        #expect(SitePlan.pageWindow(current: 4, total: 7) == [1, 2, 3, 4, 5, 6, 7])
    }

    @Test func manyPagesShowTheEndsAndTwoEitherSide() {
        #expect(SitePlan.pageWindow(current: 1, total: 500) == [1, 2, 3, nil, 500])
        #expect(SitePlan.pageWindow(current: 4, total: 500) == [1, 2, 3, 4, 5, 6, nil, 500])
        #expect(SitePlan.pageWindow(current: 250, total: 500) == [1, nil, 248, 249, 250, 251, 252, nil, 500])
        #expect(SitePlan.pageWindow(current: 500, total: 500) == [1, nil, 498, 499, 500])
        #expect(SitePlan.pageWindow(current: 5, total: 8) == [1, nil, 3, 4, 5, 6, 7, 8])
    }
}
