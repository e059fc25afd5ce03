import Foundation
import SealCrypto

/// Small secret files in the data directory, written with mode 0600 and never logged.
public enum SecretFiles {
    /// Creates `directory` (mode 0700) if it does not exist.
    public static func ensureDirectory(_ directory: String) throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Reads the file, or creates it with `make()` and mode 0600.
    public static func readOrCreate(_ path: String, make: () -> [UInt8]) throws -> [UInt8] {
        if let data = FileManager.default.contents(atPath: path) { return [UInt8](data) }
        let bytes = make()
        try write(bytes, to: path)
        return bytes
    }

    /// Writes `bytes` atomically with mode 0600.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
