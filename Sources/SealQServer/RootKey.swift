import Foundation
import Logging
import Principals
import SealCrypto
import Storage

/// The root key that wraps every KMS key's material, from (in this order) the
/// `SEALQ_ROOT_PASSPHRASE` passphrase (Argon2id, salt and parameters kept in the data
/// directory), a 32-byte key file given with `--root-key-file` (refused unless mode 0600), or,
/// on a developer's first start only, a key generated into `keys/root.key` with a loud warning.
///
/// The data directory holds a check value sealed by the root key, so starting with another
/// root key fails at once instead of failing every decrypt later.
public enum RootKey {
    /// Why the root key cannot be had.
    public struct Failure: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    private static let checkText = Array("sealq root key check v1".utf8)

    /// The Argon2id salt and cost of the passphrase that derives the root key of `dataDirectory`.
    static func parametersPath(_ dataDirectory: String) -> String { dataDirectory + "/root-key.params" }

    /// Resolves the root key for `configuration`.
    public static func resolve(_ configuration: ServerConfiguration, logger: Logger) throws -> SecretBytes {
        let key: SecretBytes
        if let passphrase = configuration.rootPassphrase {
            let parameters = parametersPath(configuration.dataDirectory)
            // A set-up directory without its parameters cannot turn the passphrase into its key:
            // say so, rather than derive another key (and write new parameters) and call it a mismatch.
            if FileManager.default.fileExists(atPath: configuration.dataDirectory + "/root-key.check"),
                !FileManager.default.fileExists(atPath: parameters)
            {
                throw Failure(
                    description: """
                        \(parameters) is missing: if this data directory's root key came from SEALQ_ROOT_PASSPHRASE, restore that \
                        file (its Argon2id salt and cost) from a backup, since without it the passphrase cannot give the key back; \
                        if it came from a key file, start with --root-key-file instead
                        """)
            }
            key = try derive(passphrase, parameters: parameters)
        } else if let path = configuration.rootKeyFile {
            key = try fromFile(path)
        } else {
            key = try generated(
                in: configuration.keysDirectory,
                dataDirectoryHasKey: FileManager.default.fileExists(atPath: configuration.dataDirectory + "/root-key.check"), logger: logger)
        }
        try verify(key, dataDirectory: configuration.dataDirectory)
        return key
    }

    /// The key `passphrase` derives to under the Argon2id salt and cost in the file `path`
    /// (made, with a fresh salt, when missing).
    static func derive(_ passphrase: String, parameters path: String) throws -> SecretBytes {
        var parameters: [String: String] = [:]
        if let data = FileManager.default.contents(atPath: path),
            let stored = try? JSONDecoder().decode([String: String].self, from: data)
        {
            parameters = stored
        } else {
            parameters = [
                "algorithm": "argon2id13", "salt": Data(SecureRandom.bytes(Argon2id.saltLength)).base64EncodedString(),
                "iterations": String(Argon2id.Cost.moderate.iterations), "memoryBytes": String(Argon2id.Cost.moderate.memoryBytes),
            ]
            try SecretFiles.write(Array(try JSONEncoder().encode(parameters)), to: path)
        }
        guard parameters["algorithm"] == "argon2id13", let saltText = parameters["salt"], let salt = Data(base64Encoded: saltText),
            let iterations = parameters["iterations"].flatMap(Int.init), let memory = parameters["memoryBytes"].flatMap(Int.init)
        else { throw Failure(description: "\(path) is not a valid root key parameter file") }
        do {
            return try Argon2id.deriveKey(
                count: 32, passphrase: Array(passphrase.utf8), salt: [UInt8](salt),
                cost: Argon2id.Cost(iterations: iterations, memoryBytes: memory))
        } catch {
            throw Failure(description: "the root key could not be derived from SEALQ_ROOT_PASSPHRASE")
        }
    }

    /// The 32-byte key in the file `path`, which must be readable by its owner only.
    static func fromFile(_ path: String) throws -> SecretBytes {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Failure(description: "root key file \(path) cannot be read") }
        guard info.st_mode & 0o077 == 0 else {
            throw Failure(description: "root key file \(path) must be readable by its owner only (chmod 600)")
        }
        // Its owner could put another key in its place (and read every secret it then wraps).
        guard info.st_uid == geteuid() else {
            throw Failure(description: "root key file \(path) must belong to the user running sealq (uid \(geteuid()), not \(info.st_uid))")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count == 32 else {
            throw Failure(description: "root key file \(path) must hold exactly 32 bytes")
        }
        return SecretBytes(copying: [UInt8](data))
    }

    /// The key in `keys/root.key`, generated there on a first start only: a data directory that
    /// already has a root key needs that one, so a mistyped `--keys` is an error, not a new key.
    private static func generated(in keysDirectory: String, dataDirectoryHasKey: Bool, logger: Logger) throws -> SecretBytes {
        let path = keysDirectory + "/root.key"
        if FileManager.default.fileExists(atPath: path) { return try fromFile(path) }
        guard !dataDirectoryHasKey else {
            throw Failure(
                description: """
                    no root key at \(path), but the data directory was set up with one: give the keys directory that holds \
                    its root.key (--keys), or its --root-key-file or SEALQ_ROOT_PASSPHRASE
                    """)
        }
        try SecretFiles.ensureDirectory(keysDirectory)
        let key = SecretBytes(randomCount: 32)
        try key.withUnsafeBytes { try SecretFiles.write(Array($0), to: path) }
        logger.warning(
            "GENERATED A ROOT KEY in \(path): fine for a developer machine, never for real data. Set SEALQ_ROOT_PASSPHRASE or --root-key-file, and keep the key away from the data directory.")
        return key
    }

    private static func verify(_ key: SecretBytes, dataDirectory: String) throws {
        let path = dataDirectory + "/root-key.check"
        guard let data = try SecretFiles.read(path) else {
            // A first start records the key; a directory already holding keys must keep its check,
            // or a start with the wrong root key would record that one instead.
            guard try SQLiteKeyStore.anyKeyArn(path: dataDirectory + "/sealq.sqlite") == nil else {
                throw Failure(
                    description: """
                        \(path) is missing, but the data directory holds keys wrapped by its root key: restore the file from a \
                        backup
                        """)
            }
            return try writeCheck(key, dataDirectory: dataDirectory)
        }
        guard opens(data, with: key) else {
            throw Failure(description: "the root key given does not match this data directory (\(path))")
        }
    }

    /// Whether the data directory's root-key check names `key`.
    public static func isCurrent(_ key: SecretBytes, dataDirectory: String) -> Bool {
        guard let data = try? SecretFiles.read(dataDirectory + "/root-key.check") else { return false }
        return opens(data, with: key)
    }

    /// Whether the root-key check `data` was sealed by `key`.
    private static func opens(_ data: [UInt8], with key: SecretBytes) -> Bool {
        (try? SecretBox(key: key).open(data, context: checkText)) == checkText
    }

    /// Records `key` as the data directory's root key (after a first start or a rotation).
    static func writeCheck(_ key: SecretBytes, dataDirectory: String) throws {
        try SecretFiles.write(SecretBox(key: key).seal(checkText, context: checkText), to: dataDirectory + "/root-key.check")
    }
}
