import Foundation
import GRDB
import Testing

@testable import Storage

@Suite("Database copies: snapshots for backups and compaction")
struct DatabaseCopyTests {
    /// A new directory under the system's temporary one, removed by `remove()`.
    private struct Directory {
        let path = NSTemporaryDirectory() + "sealq-copy-\(UUID().uuidString)"
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        func remove() { try? FileManager.default.removeItem(atPath: path) }
        func size(_ name: String) -> Int64 {
            ((try? FileManager.default.attributesOfItem(atPath: path + "/" + name)[.size]) as? Int64) ?? 0
        }
    }

    /// A WAL database of 200 rows of 32 KiB, of which all but the first 10 (the newest
    /// included) are deleted: its free pages are most of it.
    private func drainedDatabase(at path: String) throws -> DatabasePool {
        let pool = try DatabasePool(path: path)
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE rows (id INTEGER PRIMARY KEY AUTOINCREMENT, body BLOB NOT NULL)")
            for _ in 0..<200 { try db.execute(sql: "INSERT INTO rows (body) VALUES (?)", arguments: [Data(count: 32_768)]) }
            try db.execute(sql: "DELETE FROM rows WHERE id > 10")
        }
        return pool
    }

    @Test("A snapshot holds what was committed, without the free pages, and AUTOINCREMENT's high-water mark")
    func snapshotKeepsRowsAndSequence() throws {
        let directory = try Directory()
        defer { directory.remove() }
        let pool = try drainedDatabase(at: directory.path + "/live.sqlite")
        let size = try DatabaseCopy.snapshot(of: directory.path + "/live.sqlite", to: directory.path + "/copy.sqlite")
        try pool.write { db in try db.execute(sql: "INSERT INTO rows (body) VALUES (x'00')") }  // after the snapshot
        let copy = try DatabaseQueue(path: directory.path + "/copy.sqlite")
        let (count, sequence) = try copy.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rows"), try Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'rows'"))
        }
        #expect(count == 10 && sequence == 200)
        #expect(size == directory.size("copy.sqlite") && size < 1_000_000, "free pages left out: \(size) bytes")
        #expect(throws: DatabaseCopy.Refusal.self) {
            _ = try DatabaseCopy.snapshot(of: directory.path + "/live.sqlite", to: directory.path + "/copy.sqlite")
        }
    }

    @Test("Compaction refuses while another connection has the file open, then returns the free pages")
    func compactionNeedsTheFileToItself() throws {
        let directory = try Directory()
        defer { directory.remove() }
        let path = directory.path + "/live.sqlite"
        var pool: DatabasePool? = try drainedDatabase(at: path)
        try pool?.read { db in _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rows") }
        #expect(throws: DatabaseCopy.Refusal.self) { _ = try DatabaseCopy.compact(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path + ".compacting"))
        try pool?.close()
        pool = nil
        let report = try DatabaseCopy.compact(path: path)
        #expect(report.bytesBefore > 6_000_000 && report.bytesAfter < 1_000_000, "\(report)")
        #expect(!FileManager.default.fileExists(atPath: path + ".compacting") && directory.size("live.sqlite-wal") == 0)
        let rows = try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "SELECT MAX(id) FROM rows") }
        #expect(rows == 10)
    }
}
