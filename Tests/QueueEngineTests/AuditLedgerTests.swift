import Testing

@testable import Storage

@Suite("AuditLedger: only what the daemon appended is signed")
struct AuditLedgerTests {
    private static func leaf(_ n: UInt8) -> [UInt8] { [UInt8](repeating: n, count: 32) }

    @Test("Events stored before the first check are taken; the daemon's own later events pass, once each")
    func ownEventsPass() throws {
        let ledger = AuditLedger()
        let atStart = [(position: Int64(1), leafHash: Self.leaf(1)), (position: 2, leafHash: Self.leaf(2))]
        #expect(try ledger.check(atStart, after: 0, lastStored: { 2 }) == [Self.leaf(1), Self.leaf(2)])
        ledger.appending(3, leafHash: Self.leaf(3))
        ledger.appending(4, leafHash: Self.leaf(4))
        ledger.committed()
        let mine = [(position: Int64(3), leafHash: Self.leaf(3)), (position: 4, leafHash: Self.leaf(4))]
        #expect(try ledger.check(mine, after: 2, lastStored: { 99 }) == [Self.leaf(3), Self.leaf(4)])
        #expect(try ledger.check([], after: 4, lastStored: { 99 }) == [])
    }

    @Test("An event put in behind the daemon's back is refused, and so is every later check")
    func foreignEventIsRefused() throws {
        let ledger = AuditLedger()
        _ = try ledger.check([], after: 0, lastStored: { 0 })
        ledger.appending(1, leafHash: Self.leaf(1))
        ledger.committed()
        let forged = [(position: Int64(1), leafHash: Self.leaf(1)), (position: 2, leafHash: Self.leaf(9))]
        #expect(throws: AuditLedger.Tampered.self) { try ledger.check(forged, after: 0, lastStored: { 2 }) }
        ledger.appending(3, leafHash: Self.leaf(3))
        #expect(throws: AuditLedger.Tampered.self) {
            try ledger.check([(position: 3, leafHash: Self.leaf(3))], after: 2, lastStored: { 3 })
        }
    }

    @Test("A changed event, a removed one, and one whose transaction rolled back are refused")
    func changedRemovedOrRolledBack() throws {
        let changed = AuditLedger()
        _ = try changed.check([], after: 0, lastStored: { 0 })
        changed.appending(1, leafHash: Self.leaf(1))
        changed.committed()
        #expect(throws: AuditLedger.Tampered.self) { try changed.check([(position: 1, leafHash: Self.leaf(7))], after: 0, lastStored: { 1 }) }

        let removed = AuditLedger()
        _ = try removed.check([], after: 0, lastStored: { 0 })
        removed.appending(1, leafHash: Self.leaf(1))
        removed.appending(2, leafHash: Self.leaf(2))
        removed.committed()
        #expect(throws: AuditLedger.Tampered.self) { try removed.check([(position: 2, leafHash: Self.leaf(2))], after: 0, lastStored: { 2 }) }

        let rolledBack = AuditLedger()
        _ = try rolledBack.check([], after: 0, lastStored: { 0 })
        rolledBack.appending(1, leafHash: Self.leaf(1))
        rolledBack.rolledBack()
        #expect(throws: AuditLedger.Tampered.self) { try rolledBack.check([(position: 1, leafHash: Self.leaf(1))], after: 0, lastStored: { 1 }) }
    }
}
