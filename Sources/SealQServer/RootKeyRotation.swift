import Foundation
import KeyService
import Logging
import Principals
import SealCrypto
import Storage

/// `sealq keys rotate-root`: every key's material re-wrapped under a new root key.
///
/// Either way the tool first leaves a request in the data directory — the new root key sealed
/// under the current one (`root-key.next`, mode 0600) — and it stays until every record is
/// re-wrapped and the new key recorded in `root-key.check`. With no daemon running, the tool
/// re-wraps the key store itself; with one, the daemon's key maintenance picks the request up
/// within a second and re-wraps while it keeps serving (material already in memory is untouched).
/// Afterwards the daemon must be started with the new root key.
///
/// An interrupted rotation (a crash, a kill) can always be finished: the request names the new
/// key, a daemon started with the current (old) root key completes it before it uses any key,
/// and running the command again with the same new key completes it too (a new passphrase's
/// Argon2id salt, `root-key.params.next`, is kept until the rotation is done, so the same
/// passphrase gives the same key). A retry naming another new key is refused.
public enum RootKeyRotation {
    private static let requestContext = Array("sealq root key rotation request v1".utf8)

    static func requestPath(_ dataDirectory: String) -> String { dataDirectory + "/root-key.next" }
    static func nextParametersPath(_ dataDirectory: String) -> String { dataDirectory + "/root-key.params.next" }

    /// Whether `passphrase` already derives the data directory's root key, with no rotation
    /// pending: a rotation to it has finished (the daemon may finish one after the tool gave up
    /// waiting). Reads only what exists: no salt file is made.
    public static func isInUse(passphrase: String, dataDirectory: String) -> Bool {
        let parameters = RootKey.parametersPath(dataDirectory)
        guard !FileManager.default.fileExists(atPath: requestPath(dataDirectory)),
            !FileManager.default.fileExists(atPath: nextParametersPath(dataDirectory)),
            FileManager.default.fileExists(atPath: parameters), let key = try? RootKey.derive(passphrase, parameters: parameters)
        else { return false }
        return RootKey.isCurrent(key, dataDirectory: dataDirectory)
    }

    /// The new root key from `SEALQ_NEW_ROOT_PASSPHRASE` (with fresh Argon2id parameters kept
    /// beside the request) or a 32-byte 0600 key file.
    public static func newRootKey(dataDirectory: String, passphrase: String?, keyFile: String?) throws -> SecretBytes {
        if let passphrase {
            // Kept from an interrupted rotation, so the same passphrase derives the same key.
            return try RootKey.derive(passphrase, parameters: nextParametersPath(dataDirectory))
        }
        if let keyFile { return try RootKey.fromFile(keyFile) }
        throw RootKey.Failure(description: "give the new root key with SEALQ_NEW_ROOT_PASSPHRASE or --new-root-key-file")
    }

    /// Rotates with no daemon running: opens the key store and re-wraps it here.
    public static func rotateOffline(
        configuration: ServerConfiguration, from current: SecretBytes, to new: SecretBytes, logger: Logger
    ) async throws -> Int {
        // The database is opened, and refused if a newer SealQ wrote it, before the request is
        // left: a request this tool cannot carry out would be finished by the next start of the
        // daemon, and the key the operator kept (told that nothing happened) would stop working.
        let store = try SQLiteMessageStore(path: configuration.databasePath, logger: logger)
        let keys = KeyService(
            configuration: .init(accountId: configuration.accountId, region: configuration.region), store: store.keyStore,
            rootKey: current, logger: logger)
        try await keys.start()
        try leaveRequest(dataDirectory: configuration.dataDirectory, from: current, to: new)
        let count = try await keys.rotateRoot(to: new)
        try commit(new, dataDirectory: configuration.dataDirectory)
        return count
    }

    /// Asks the running daemon to rotate; returns once it has, that is once the data directory's
    /// root-key check names the new key (a request the daemon dropped is not a rotation), or
    /// throws after `timeout`.
    public static func requestFromDaemon(
        dataDirectory: String, from current: SecretBytes, to new: SecretBytes, timeout: Duration = .seconds(60)
    ) async throws {
        try leaveRequest(dataDirectory: dataDirectory, from: current, to: new)
        let deadline = ContinuousClock.now + timeout
        while FileManager.default.fileExists(atPath: requestPath(dataDirectory)) {
            guard ContinuousClock.now < deadline else {
                throw RootKey.Failure(
                    description: """
                        the daemon has not taken the rotation request within \(timeout) (it is busy or stopped). The request \
                        stays in \(requestPath(dataDirectory)) and the daemon carries it out as soon as it can, after which only \
                        the NEW root key opens this directory: keep both keys. Run this command again with the same keys to wait \
                        for it (it says when the rotation has finished)
                        """)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        guard RootKey.isCurrent(new, dataDirectory: dataDirectory) else {
            throw RootKey.Failure(
                description: """
                    the daemon removed the rotation request without rotating (see its log): the root key is unchanged; keep \
                    the current one
                    """)
        }
    }

    /// Leaves the request to rotate from `current` to `new`, unless one is pending already: it
    /// must then name the same new key (an interrupted rotation is finished, never redirected).
    static func leaveRequest(dataDirectory: String, from current: SecretBytes, to new: SecretBytes) throws {
        if let pending = FileManager.default.contents(atPath: requestPath(dataDirectory)) {
            let named = try? SecretBox(key: current).openSecret([UInt8](pending), context: requestContext)
            let same = named.map { HMAC.constantTimeEquals($0, new) } ?? false
            guard same else {
                throw RootKey.Failure(
                    description: """
                        an interrupted rotation to another root key is pending (\(requestPath(dataDirectory))): run this command \
                        again with that new key (the same SEALQ_NEW_ROOT_PASSPHRASE or --new-root-key-file), or start the daemon \
                        with the current root key, which finishes it
                        """)
            }
            return
        }
        try SecretFiles.write(SecretBox(key: current).seal(new, context: requestContext), to: requestPath(dataDirectory))
    }

    /// In the daemon: carries out a pending request, if any; true when it rotated.
    static func serveRequest(keys: KeyService, dataDirectory: String, logger: Logger) async throws -> Bool {
        guard let data = FileManager.default.contents(atPath: requestPath(dataDirectory)) else { return false }
        let new = keys.withCurrentRootKey { current in try? SecretBox(key: current).openSecret([UInt8](data), context: requestContext) }
        guard let new else {
            logger.error("a root key rotation request does not open with the current root key; removing it")
            try? FileManager.default.removeItem(atPath: requestPath(dataDirectory))
            return false
        }
        _ = try await keys.rotateRoot(to: new)
        try commit(new, dataDirectory: dataDirectory)
        return true
    }

    /// Records `new` as the root key of the data directory and clears the request.
    private static func commit(_ new: SecretBytes, dataDirectory: String) throws {
        try RootKey.writeCheck(new, dataDirectory: dataDirectory)
        let parameters = nextParametersPath(dataDirectory)
        if FileManager.default.fileExists(atPath: parameters) {
            _ = rename(parameters, RootKey.parametersPath(dataDirectory))
        } else {
            try? FileManager.default.removeItem(atPath: RootKey.parametersPath(dataDirectory))
        }
        try? FileManager.default.removeItem(atPath: requestPath(dataDirectory))
    }
}
