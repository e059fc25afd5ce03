import ArgumentParser
import Foundation

/// A file named on the command line (`-`: standard input), read whole up to a limit: what
/// cannot be read (a directory, a closed standard input) or is larger is refused with an error
/// naming it, never a crash or unbounded memory.
enum InputFile {
    /// The most bytes a command reads from one input: a proof, a policy or a key is far smaller.
    static let limit = 64 << 20

    /// The bytes of `path`.
    static func read(_ path: String) throws -> Data {
        let name = path == "-" ? "standard input" : path
        let handle: FileHandle
        if path == "-" {
            handle = .standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: path) else { throw ValidationError("Cannot read \(name): it does not exist or is not readable.") }
            handle = opened
        }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw ValidationError("Cannot read \(name): \((error as NSError).localizedDescription).")
        }
        guard data.count <= limit else { throw ValidationError("\(name) is larger than \(limit >> 20) MiB: it is not what this command reads.") }
        return data
    }
}
