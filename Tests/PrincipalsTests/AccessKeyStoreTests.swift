import Foundation
import SealCrypto
import Testing

@testable import Principals

@Suite("AccessKeyStore: access keys sealed in the data directory")
struct AccessKeyStoreTests {
    @Test("A created key is active at once, with an AWS-shaped id and secret that the file does not reveal")
    func createsKeys() throws {
        let directory = try TemporaryDirectory()
        let store = try AccessKeyStore(dataDirectory: directory.path)
        let (created, secret) = try store.create(for: "producer")
        let key = try #require(created.metadata)
        #expect(created.previous == nil)
        #expect(key.accessKeyId.hasPrefix("AKIA") && key.accessKeyId.count == 20)
        #expect(secret.count == 40)
        #expect(key.status == "Active" && key.userName == "producer")
        #expect(store.activeKey(key.accessKeyId)?.secretAccessKey == secret)
        let file = try String(contentsOfFile: directory.path + "/access-keys.json", encoding: .utf8)
        #expect(file.contains(key.accessKeyId))
        #expect(!file.contains(secret))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path + "/access-keys.json")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let keyAttributes = try FileManager.default.attributesOfItem(atPath: directory.path + "/access-keys.key")
        #expect((keyAttributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("Disable, enable and delete act on a second store over the same directory (a running daemon)")
    func changesReachOtherStores() throws {
        let directory = try TemporaryDirectory()
        let cli = try AccessKeyStore(dataDirectory: directory.path)
        let daemon = try AccessKeyStore(dataDirectory: directory.path)
        let (created, secret) = try cli.create(for: "consumer")
        let key = try #require(created.metadata)
        #expect(daemon.activeKey(key.accessKeyId)?.secretAccessKey == secret, "an unknown key makes the daemon look again")
        try cli.setStatus(key.accessKeyId, active: false)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(daemon.activeKey(key.accessKeyId) == nil)
        #expect(try daemon.list().map(\.status) == ["Inactive"])
        try cli.setStatus(key.accessKeyId, active: true)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(daemon.activeKey(key.accessKeyId)?.userName == "consumer")
        try cli.delete(key.accessKeyId)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(daemon.activeKey(key.accessKeyId) == nil)
        #expect(try daemon.list().isEmpty)
    }

    @Test("A quota counts the principal's keys (and those held elsewhere) under the lock")
    func quota() throws {
        let store = try AccessKeyStore(dataDirectory: try TemporaryDirectory().path)
        _ = try store.create(for: "a", quota: 2)
        _ = try store.create(for: "b", quota: 2)
        _ = try store.create(for: "a", quota: 2)
        #expect(throws: AccessKeyStore.Failure.self) { try store.create(for: "a", quota: 2) }
        do { _ = try store.create(for: "b", quota: 2, alreadyHeld: 1) } catch let failure as AccessKeyStore.Failure {
            #expect(failure.reason == .quotaReached)
        }
        #expect(try store.list().count(where: { $0.userName == "a" }) == 2)
        #expect(try store.list().count(where: { $0.userName == "b" }) == 1)
        _ = try store.create(for: "a")  // no quota: the CLI's way
        #expect(try store.list().count == 4)
    }

    @Test("Changes name their owner when asked to, and each can be taken back as it was")
    func ownedChangesAndUndo() throws {
        let store = try AccessKeyStore(dataDirectory: try TemporaryDirectory().path)
        let (created, secret) = try store.create(for: "producer")
        let key = try #require(created.metadata)
        for owner in ["consumer", "Producer"] {
            #expect(throws: AccessKeyStore.Failure(description: "no access key \(key.accessKeyId)", reason: .noSuchKey)) {
                try store.setStatus(key.accessKeyId, active: false, owner: owner)
            }
            #expect(throws: AccessKeyStore.Failure(description: "no access key \(key.accessKeyId)", reason: .noSuchKey)) {
                try store.delete(key.accessKeyId, owner: owner)
            }
        }
        #expect(store.activeKey(key.accessKeyId) != nil)

        let disabled = try store.setStatus(key.accessKeyId, active: false, owner: "producer")
        #expect(disabled.previous == key && disabled.metadata?.status == "Inactive" && store.activeKey(key.accessKeyId) == nil)
        #expect(try store.undo(disabled))
        #expect(store.activeKey(key.accessKeyId)?.secretAccessKey == secret)
        #expect(try !store.undo(disabled), "undone once only")

        let deleted = try store.delete(key.accessKeyId, owner: "producer")
        #expect(deleted.previous == key && deleted.metadata == nil && store.activeKey(key.accessKeyId) == nil)
        #expect(try store.undo(deleted))
        #expect(try !store.undo(deleted))
        #expect(try store.list() == [key])
        #expect(store.activeKey(key.accessKeyId)?.secretAccessKey == secret, "the same secret signs again")

        #expect(try !store.undo(created), "the key was touched since it was made")
        #expect(try store.list() == [key])
        let fresh = try store.create(for: "consumer").0
        #expect(try store.undo(fresh))
        #expect(try store.list() == [key])
    }

    @Test("An undo leaves a key that changed since as it is")
    func undoChecksTheKeyFirst() throws {
        let directory = try TemporaryDirectory()
        let daemon = try AccessKeyStore(dataDirectory: directory.path)
        let cli = try AccessKeyStore(dataDirectory: directory.path)
        let (created, _) = try daemon.create(for: "producer")
        let id = try #require(created.metadata?.accessKeyId)
        let enabled = try daemon.setStatus(id, active: true)
        let disabled = try cli.setStatus(id, active: false)  // another change, made meanwhile
        #expect(try !daemon.undo(enabled), "would revert the later change")
        #expect(try daemon.list().map(\.status) == ["Inactive"])
        let deleted = try daemon.delete(id)
        _ = disabled
        #expect(try !daemon.undo(created), "the key is gone; nothing to take back")
        #expect(try daemon.undo(deleted))
        #expect(try daemon.list().map(\.accessKeyId) == [id])

        // A write that leaves the key as it was still counts: the operator asked for that state.
        let inactive = try daemon.setStatus(id, active: false)
        try cli.setStatus(id, active: false)
        #expect(try !daemon.undo(inactive))
        #expect(try daemon.list().map(\.status) == ["Inactive"])
    }

    @Test("A file rewritten by a build from before revisions is compared by content")
    func revisionsStrippedByAnOlderBuild() throws {
        let directory = try TemporaryDirectory()
        let store = try AccessKeyStore(dataDirectory: directory.path)
        let (created, _) = try store.create(for: "producer")
        let id = try #require(created.metadata?.accessKeyId)
        let disabled = try store.setStatus(id, active: false)
        // What an older build writes: the same keys, without their revisions.
        let path = directory.path + "/access-keys.json"
        let stripped = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.contains("\"Revision\"") }
        try stripped.joined(separator: "\n").replacingOccurrences(of: ",\n      }", with: "\n      }")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains("Revision"))
        let older = try AccessKeyStore(dataDirectory: directory.path)
        #expect(try older.undo(disabled), "the key is as the change left it")
        #expect(try older.list().map(\.status) == ["Active"])
    }

    @Test("A journaled change is described, durably and readable by owner only, before it is made, until settled")
    func journal() throws {
        let directory = try TemporaryDirectory()
        let store = try AccessKeyStore(dataDirectory: directory.path)
        #expect(try store.unsettledChange() == nil)
        let (created, secret) = try store.create(for: "producer", journal: "request-1")
        let journal = try #require(try store.unsettledChange())
        #expect(journal.tag == "request-1" && journal.change == created)
        let path = directory.path + "/access-keys.journal"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains(secret))
        // A second process (the next start) reads the same journal and can take the change back.
        let restarted = try AccessKeyStore(dataDirectory: directory.path)
        #expect(try restarted.undo(try #require(try restarted.unsettledChange()).change))
        try restarted.settle()
        try restarted.settle()  // nothing left to remove
        #expect(try restarted.unsettledChange() == nil && restarted.list().isEmpty)
        try "garbage".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: AccessKeyStore.Failure.self) { try restarted.unsettledChange() }
    }

    @Test("Unknown key ids are refused by disable and delete")
    func unknownKeys() throws {
        let store = try AccessKeyStore(dataDirectory: try TemporaryDirectory().path)
        #expect(throws: AccessKeyStore.Failure.self) { try store.setStatus("AKIANOPE", active: false) }
        #expect(throws: AccessKeyStore.Failure.self) { try store.delete("AKIANOPE") }
    }

    @Test("A sealed secret moved to another key id, or opened with another sealing key, does not open")
    func sealedSecretsAreBound() throws {
        let directory = try TemporaryDirectory()
        let store = try AccessKeyStore(dataDirectory: directory.path)
        let first = try #require(try store.create(for: "a").0.metadata)
        let second = try #require(try store.create(for: "b").0.metadata)
        let path = directory.path + "/access-keys.json"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: first.accessKeyId, with: "SWAPPED").replacingOccurrences(of: second.accessKeyId, with: first.accessKeyId)
            .replacingOccurrences(of: "SWAPPED", with: second.accessKeyId)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: AccessKeyStore.Failure.self) { try AccessKeyStore(dataDirectory: directory.path) }

        // Another directory's sealing key does not open them; without any key file the store
        // refuses before making one (a new key would hide that the old one is lost).
        let other = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: directory.path + "/access-keys.json", toPath: other.path + "/access-keys.json")
        #expect(throws: SecretFiles.Failure.self) { try AccessKeyStore(dataDirectory: other.path) }
        #expect(!FileManager.default.fileExists(atPath: other.path + "/access-keys.key"))
        try SecretFiles.write(SecureRandom.bytes(SecretBox.keyLength), to: other.path + "/access-keys.key")
        #expect(throws: AccessKeyStore.Failure.self) { try AccessKeyStore(dataDirectory: other.path) }
    }
}
