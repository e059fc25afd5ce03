import Foundation
import SealCrypto

#if canImport(Glibc)
import Glibc
#endif

/// Small secret files in the data directory, written with mode 0600 and never logged.
public enum SecretFiles {
    /// A file or directory that cannot be made.
    public struct Failure: Error, CustomStringConvertible {
        /// What could not be done, and why.
        public var description: String
    }

    /// Creates `directory` (mode 0700) if it does not exist; `durably`, each directory it makes
    /// is flushed into its parent, so what is then written there is found after a power loss.
    public static func ensureDirectory(_ directory: String, durably: Bool = false) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Failure(description: "\(directory) is a file, not a directory") }
            return
        }
        // A file where a parent should be is named: Foundation's own error does not say which.
        var parent = Self.parent(of: directory)
        while !parent.isEmpty && parent != "/" {
            if FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw Failure(description: "cannot create the directory \(directory): \(parent) is a file") }
                break
            }
            parent = Self.parent(of: parent)
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(description: "cannot create the directory \(directory) (\(reason(of: error)))")
        }
        guard durably else { return }
        // From the deepest directory made up to the first that existed: each into its parent.
        var made = directory
        while made.count > parent.count && made != "/" {
            try syncDirectory(of: made)
            made = Self.parent(of: made)
        }
    }

    /// The directory holding `path`: `a/b` for `a/b/c` or `a/b/c/`, `/` for `/a`, and the empty
    /// string for a path of one relative component. (Foundation's `deletingLastPathComponent`
    /// traps on a one-character component such as `d` or `a/`, as `--data-dir d` showed.)
    public static func parent(of path: String) -> String {
        var path = Substring(path)
        while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
        guard let slash = path.lastIndex(of: "/") else { return "" }
        var parent = path[..<slash]
        while parent.hasSuffix("/") { parent = parent.dropLast() }
        return parent.isEmpty ? "/" : String(parent)
    }

    /// Whether anyone but the owner may write the directory at `path`: there they could put
    /// files, or links, where the daemon's own should be.
    public static func isWritableByOthers(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & 0o022 != 0
    }

    /// Makes sure the existing directory at `path` is one only the user running this process
    /// controls, as a directory holding or receiving secrets must be: whoever owns it, or may
    /// write it, can put files or links in place of SealQ's. Takes the write permission of group
    /// and others away when it is this user's (reading, and a setgid bit for a shared group, are
    /// left: the files in it are 0600), and returns the old and new modes then; nil when nothing
    /// changed. Throws when the directory belongs to another user; when others may write it and
    /// that cannot be changed here (a shared, sticky directory such as /tmp is not narrowed);
    /// and when they could write it and it already holds something, which they may have put or
    /// replaced there (after narrowing it: a look at its files, and the command again).
    public static func restrictDirectory(_ path: String) throws -> (old: mode_t, new: mode_t)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        try requireOwner(of: path, info)
        let mode = info.st_mode & 0o7777
        guard mode & 0o022 != 0 else { return nil }
        let narrowed = mode & ~0o022
        guard mode & S_ISVTX == 0 && chmod(path, narrowed) == 0 else {
            throw Failure(
                description: "\(path) may be written by others (mode \(String(mode, radix: 8))), who could put files there in place of SealQ's: use a directory only its owner can write")
        }
        if let held = try? FileManager.default.contentsOfDirectory(atPath: path), !held.isEmpty {
            throw Failure(
                description: "\(path) could be written by others (mode \(String(mode, radix: 8))), and what it holds may have been put or replaced there: it is made writable by its owner alone (mode \(String(narrowed, radix: 8))); check its files, then run again")
        }
        return (mode, narrowed)
    }

    /// Throws unless the existing directory at `path` belongs to the user running this process
    /// and no one else may write it; changes nothing (for tools run on the daemon's directory:
    /// run as another user, they would copy or rewrite through whatever its owner put there).
    public static func requireOwnDirectory(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        try requireOwner(of: path, info)
        guard info.st_mode & 0o022 == 0 else {
            throw Failure(
                description: "\(path) may be written by others (mode \(String(info.st_mode & 0o7777, radix: 8))): make it writable by its owner alone first")
        }
    }

    private static func requireOwner(of path: String, _ info: stat) throws {
        guard info.st_uid == geteuid() else {
            throw Failure(
                description: "\(path) belongs to another user (uid \(info.st_uid), not \(geteuid())), who could put files there in place of SealQ's: run as that user, or use a directory of your own (sealq makes one that does not exist)")
        }
    }

    /// Makes the existing files among `paths` readable by their owner only (files made before
    /// the process ran with umask 077, such as an older database, or loosened by a chmod or a
    /// restore since), and returns those that were open to others, with their old mode.
    @discardableResult
    public static func restrict(_ paths: [String]) -> [(path: String, mode: mode_t)] {
        var loosened: [(path: String, mode: mode_t)] = []
        for path in paths {
            // Never through a link in its place. By path, not through a descriptor: closing one
            // would drop the locks SQLite holds on the database in this process (POSIX record
            // locks belong to the process and file, and go with any close of that file).
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let mode = info.st_mode & 0o777
            if mode & 0o077 != 0 { loosened.append((path, mode)) }
            chmod(path, 0o600)
        }
        return loosened
    }

    /// The bytes of the file at `path`, or nil when there is no such file. A file that exists
    /// but cannot be read (its owner or mode, a directory in its place) is an error: taking it
    /// for missing would make a new secret over the old one and lose what it protects.
    public static func read(_ path: String) throws -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw Failure(description: "cannot read \(path) (\(String(cString: strerror(errno)))); it is kept as it is")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            guard count > 0 else {
                throw Failure(description: "cannot read \(path) (\(String(cString: strerror(errno)))); it is kept as it is")
            }
            bytes += chunk[0..<count]
        }
    }

    /// Reads the file, or creates it with `make()` and mode 0600 when there is none; a file
    /// that cannot be read, or (with `length`) holds another number of bytes, is an error.
    public static func readOrCreate(_ path: String, length: Int? = nil, make: () -> [UInt8]) throws -> [UInt8] {
        if let bytes = try read(path) {
            if let length, bytes.count != length {
                throw Failure(description: "\(path) holds \(bytes.count) bytes, not \(length): restore it from a backup")
            }
            return bytes
        }
        let bytes = make()
        try write(bytes, to: path)
        return bytes
    }

    /// Writes `bytes` atomically and durably with mode 0600: into a temporary file that is
    /// flushed to disk, renamed over `path`, and the rename itself flushed with the directory.
    /// A crash or power loss leaves the old file or the new one, never a part or neither.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        // One temporary name per process: writers in several processes never share one.
        let temporary = path + ".\(getpid()).tmp"
        func failure(_ what: String) -> Failure {
            Failure(description: "cannot \(what) (\(String(cString: strerror(errno))))")
        }
        // Made new, never opened through what is there: a file left by an earlier process with
        // this id is removed first, and a link planted at the name (by someone who could write
        // the directory) makes the write fail rather than write where it points.
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("write \(temporary)") }
        do {
            defer { close(descriptor) }
            var written = 0
            while written < bytes.count {
                let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
                guard count > 0 else {
                    if count < 0 && errno == EINTR { continue }
                    throw failure("write \(temporary)")
                }
                written += count
            }
            guard fsync(descriptor) == 0 else { throw failure("flush \(temporary) to disk") }
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("rename \(temporary) to \(path)")
            unlink(temporary)
            throw error
        }
        try syncDirectory(of: path)
    }

    /// Flushes the directory holding `path` to disk, so a file just created or renamed there
    /// is found after a power loss.
    private static func syncDirectory(of path: String) throws {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(description: "cannot open \(directory) (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw Failure(description: "cannot flush \(directory) to disk (\(String(cString: strerror(errno))))")
        }
    }

    /// The operating system's words for a Foundation file error, not its dictionary dump.
    private static func reason(of error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(code))) }
        return (error as NSError).localizedDescription
    }
}
