import Foundation

/// The starting text of a new letter, page or event, with every field explained.
public enum NewFile {
    public static func make(kind: String, title: String, section: String?, today: Date) -> (path: String, text: String) {
        let slug = Slug.make(title).isEmpty ? "untitled" : Slug.make(title)
        let day = String(ContentDate.rfc3339(today, timeZone: TimeZone(identifier: "UTC")!).prefix(10))
        let quoted = "\"" + title.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        switch kind {
        case "letter":
            return ("\(section ?? "letters")/\(day)-\(slug).md", """
                ---
                title: \(quoted)
                date: \(day)
                author: The Police Commissioner
                summary: One sentence that says what this letter is about.
                tags: [community policing]
                # districts: [north]        # which districts it concerns
                # draft: true               # keep it off the site for now
                # publishDate: \(day)        # publish it on this day
                ---

                Write the letter here. Leave a blank line between paragraphs.

                ## A heading

                Link to another page by its file, like `[our strategy](../strategy/community-policing.md)`.

                """)
        case "event":
            return ("events/\(slug).yml", """
                # One event, or one recurring series. Dates are local time in the site's time zone.
                title: \(quoted)
                summary: One line about the event.
                # category: coffee-with-a-cop    # a category from site.yml
                # districts: [north]             # districts from site.yml
                start: \(day) 09:00               # or just a date for an all-day event
                duration: 90m                    # or end: \(day) 10:30
                location:
                  name: Place name
                  address: Street, City
                # repeat: FREQ=MONTHLY;BYDAY=1SA  # or: {every: month, nth: first, on: [saturday]}
                # except: [\(day)]
                cost: free
                description: |
                  What happens, who it is for, and what to bring.

                """)
        default:
            return ((section.map { "\($0)/" } ?? "") + "\(slug).md", """
                ---
                title: \(quoted)
                summary: One sentence that says what this page is about.
                weight: 10                  # lower numbers come first in the section
                ---

                Write the page here.

                """)
        }
    }
}
