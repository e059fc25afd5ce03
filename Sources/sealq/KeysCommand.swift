import ArgumentParser
import Foundation
import Logging
import SealQServer

/// `sealq keys`: operations on the key service's root of trust.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the root key that wraps all key material.", subcommands: [RotateRoot.self])

    struct RotateRoot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-root",
            abstract: "Re-wrap every key's material under a new root key.",
            discussion: """
                The current root key comes from where `sealq serve` takes it (SEALQ_ROOT_PASSPHRASE, \
                --root-key-file, or keys/root.key); the new one from SEALQ_NEW_ROOT_PASSPHRASE or \
                --new-root-key-file (32 bytes, mode 0600), not both. With a daemon running on the data directory, \
                the daemon re-wraps while it keeps serving; otherwise this command does it. Afterwards \
                start the daemon with the new root key.
                """)

        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var unread: UnreadLocationOptions
        @Option(name: .customLong("keys"), help: "Key definitions directory [env: SEALQ_KEYS] (default: ./keys).")
        var keysDirectory: String?
        @Option(name: .customLong("root-key-file"), help: "The current root key file [env: SEALQ_ROOT_KEY_FILE].")
        var rootKeyFile: String?
        @Option(name: .customLong("new-root-key-file"), help: "The new root key file (32 bytes, mode 0600).")
        var newRootKeyFile: String?

        func run() async throws {
            try ProcessSecrets.protectMemory()
            let passphrase = ProcessSecrets.take("SEALQ_ROOT_PASSPHRASE")
            let newPassphrase = ProcessSecrets.take("SEALQ_NEW_ROOT_PASSPHRASE")
            guard newPassphrase == nil || newRootKeyFile == nil else {
                throw ValidationError("Give the new root key with SEALQ_NEW_ROOT_PASSPHRASE or --new-root-key-file, not both.")
            }
            var configuration = ServerConfiguration()
            configuration.dataDirectory = data.resolved
            configuration.keysDirectory = try Setting.value(keysDirectory, option: "--keys", variable: "SEALQ_KEYS") ?? configuration.keysDirectory
            // The key service's ARNs name the data directory's account and region, as its daemon's do.
            if let identity = try data.recordedIdentity() {
                configuration.accountId = identity.accountId
                configuration.region = identity.region
            }
            configuration.rootPassphrase = try RootPassphrase.given(passphrase, variable: "SEALQ_ROOT_PASSPHRASE")
            configuration.rootKeyFile = try Setting.value(rootKeyFile, option: "--root-key-file", variable: "SEALQ_ROOT_KEY_FILE")
            guard FileManager.default.fileExists(atPath: configuration.dataDirectory + "/root-key.check") else {
                throw ValidationError("\(configuration.dataDirectory) has no root key yet; start the daemon once first.")
            }
            var logger = Logger(label: "sealq")
            logger.logLevel = .warning
            let inUse = "The new root key is the one already in use; nothing to re-wrap (a rotation to it has finished, or it was never rotated from)."
            if let newPassphrase, RootKeyRotation.isInUse(passphrase: newPassphrase, dataDirectory: configuration.dataDirectory) {
                print(inUse)
                return
            }
            let new = try RootKeyRotation.newRootKey(
                dataDirectory: configuration.dataDirectory,
                passphrase: try RootPassphrase.given(newPassphrase, variable: "SEALQ_NEW_ROOT_PASSPHRASE"), keyFile: newRootKeyFile)
            // Checked before the current key: after a rotation the daemon finished late (this
            // command gave up waiting), the old key no longer opens the directory, and running
            // the command again with the same new key must say so rather than refuse the old one.
            guard !RootKey.isCurrent(new, dataDirectory: configuration.dataDirectory) else {
                print(inUse)
                return
            }
            let current = try RootKey.resolve(configuration, logger: logger)
            // Offline only while holding the daemon's lock, so no daemon starts during the re-wrap.
            if let lock = try? DataDirectoryLock(dataDirectory: configuration.dataDirectory) {
                let count = try await RootKeyRotation.rotateOffline(configuration: configuration, from: current, to: new, logger: logger)
                withExtendedLifetime(lock) {}
                print("Re-wrapped \(count) key versions under the new root key. Start the daemon with the new root key.")
            } else {
                try await RootKeyRotation.requestFromDaemon(dataDirectory: configuration.dataDirectory, from: current, to: new)
                print("The running daemon re-wrapped every key under the new root key. Start it with the new root key from now on.")
            }
        }
    }
}
