import Foundation
import GRDB
import KeyService

/// The key service's `KeyStore` on the daemon's SQLite database, through the same group-commit
/// writer as messages. The database runs with `secure_delete` on, so the space that held a
/// destroyed key's (wrapped) material is overwritten with zeros; the write-ahead log, which
/// still holds older copies of those pages, is then truncated.
public struct SQLiteKeyStore: KeyStore {
    let database: any DatabaseWriter
    let writer: GroupCommitWriter
    let checkpointer: BackgroundCheckpointer?

    /// Loads every key, alias and grant.
    public func loadKeyring() async throws -> Keyring {
        try await database.read(Self.keyring)
    }

    /// The keyring of the database file at `path`, read without writing or migrating (for
    /// offline tools such as `sealq policy who-can --key`; safe while the daemon runs).
    public static func readKeyring(path: String) throws -> Keyring {
        try ReadOnlyDatabase.read(path, Self.keyring)
    }

    /// The ARN of one key stored in the database file at `path`, which names the account and
    /// region the data was made for; nil when there is no such file, no key table or no key.
    /// Read without writing or migrating, so older databases answer too.
    public static func anyKeyArn(path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try ReadOnlyDatabase.read(path, checkSchema: false) { db in
            guard try db.tableExists("kms_keys"), let record = try String.fetchOne(db, sql: "SELECT record FROM kms_keys LIMIT 1") else {
                return nil
            }
            return (try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])?["arn"] as? String
        }
    }

    private static func keyring(_ db: Database) throws -> Keyring {
        let decoder = JSONDecoder()
        var ring = Keyring()
        for row in try Row.fetchAll(db, sql: "SELECT record FROM kms_keys") {
            let key = try decoder.decode(ManagedKey.self, from: Data((row["record"] as String).utf8))
            ring.keys[key.keyId] = key
        }
        for row in try Row.fetchAll(db, sql: "SELECT record FROM kms_aliases") {
            let alias = try decoder.decode(KeyAlias.self, from: Data((row["record"] as String).utf8))
            ring.setAlias(alias)
        }
        for row in try Row.fetchAll(db, sql: "SELECT record FROM kms_grants") {
            let grant = try decoder.decode(KeyGrant.self, from: Data((row["record"] as String).utf8))
            ring.grants[grant.grantId] = grant
        }
        return ring
    }

    /// Saves `key` unless the stored record is newer.
    public func saveKey(_ key: ManagedKey) async throws {
        let record = try SQLiteMessageStore.json(key)
        try await writer.perform { db in
            try db.execute(
                sql: """
                    INSERT INTO kms_keys (key_id, revision, record) VALUES (?, ?, ?)
                    ON CONFLICT(key_id) DO UPDATE SET revision = excluded.revision, record = excluded.record
                    WHERE excluded.revision > kms_keys.revision
                    """,
                arguments: [key.keyId, key.revision, record])
        }
    }

    /// Removes the key, its aliases and grants (secure_delete zeroes the space they held), then
    /// has the write-ahead log's older copies of those pages erased.
    public func destroyKey(_ keyId: String) async throws {
        try await writer.perform { db in
            try db.execute(sql: "DELETE FROM kms_keys WHERE key_id = ?", arguments: [keyId])
            try db.execute(sql: "DELETE FROM kms_aliases WHERE key_id = ?", arguments: [keyId])
            try db.execute(sql: "DELETE FROM kms_grants WHERE key_id = ?", arguments: [keyId])
        }
        eraseReplacedCopies()
    }

    /// Asks for the write-ahead log to be copied into the file and truncated.
    public func eraseReplacedCopies() {
        checkpointer?.requestTruncation()
    }

    /// Creates or replaces an alias.
    public func saveAlias(_ alias: KeyAlias) async throws {
        let record = try SQLiteMessageStore.json(alias)
        try await writer.perform { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO kms_aliases (name, key_id, record) VALUES (?, ?, ?)",
                arguments: [alias.name, alias.targetKeyId, record])
        }
    }

    /// Removes an alias.
    public func deleteAlias(_ name: String) async throws {
        try await writer.perform { db in try db.execute(sql: "DELETE FROM kms_aliases WHERE name = ?", arguments: [name]) }
    }

    /// Creates a grant.
    public func saveGrant(_ grant: KeyGrant) async throws {
        let record = try SQLiteMessageStore.json(grant)
        try await writer.perform { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO kms_grants (grant_id, key_id, record) VALUES (?, ?, ?)",
                arguments: [grant.grantId, grant.keyId, record])
        }
    }

    /// Removes a grant.
    public func deleteGrant(_ grantId: String) async throws {
        try await writer.perform { db in try db.execute(sql: "DELETE FROM kms_grants WHERE grant_id = ?", arguments: [grantId]) }
    }
}

extension SQLiteMessageStore {
    /// The key store on this database, sharing its group-commit writer.
    public var keyStore: SQLiteKeyStore { SQLiteKeyStore(database: database, writer: writer, checkpointer: checkpointer) }
}
