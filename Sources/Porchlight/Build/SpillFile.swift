import Foundation

/// A nameless temporary file that rendered bodies wait in between the Markdown stage and the writing of their pages,
/// so a build of a hundred thousand letters does not hold all their HTML in memory. Shared by the threads that render.
final class SpillFile: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    private var end: Int64 = 0
    /// Set when a text could not be read back, so the build fails instead of writing a page without it.
    private(set) var failed = false

    /// Nil when no temporary file can be made; the bodies then stay in memory.
    init?(folder: String = NSTemporaryDirectory()) {
        var template = Array((folder.hasSuffix("/") ? folder : folder + "/").utf8CString.dropLast()) + Array("porchlight-bodies-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        // Unlinked at once: the file goes away with the process, however it ends.
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Where the text now is, or nil when it could not be written.
    func store(_ text: String) -> (offset: Int64, length: Int)? {
        var text = text
        return text.withUTF8 { bytes -> (Int64, Int)? in
            let offset = lock.withLock { () -> Int64 in
                defer { end += Int64(bytes.count) }
                return end
            }
            var done = 0
            while done < bytes.count {
                let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
                if written < 0, errno == EINTR { continue }
                if written <= 0 { return nil }
                done += written
            }
            return (offset, bytes.count)
        }
    }

    /// The text stored at `offset`; empty, and `failed` set, if it cannot be read back.
    func text(at offset: Int64, length: Int) -> String {
        var complete = true
        let text = String(unsafeUninitializedCapacity: length) { buffer in
            var done = 0
            while done < length {
                let got = pread(descriptor, buffer.baseAddress! + done, length - done, off_t(offset) + off_t(done))
                if got < 0, errno == EINTR { continue }
                if got <= 0 { complete = false; return 0 }
                done += got
            }
            return length
        }
        if !complete { lock.withLock { failed = true } }
        return complete ? text : ""
    }
}
