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
        let (key, secret) = try store.create(for: "producer")
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
        let (key, secret) = try cli.create(for: "consumer")
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
        let (key, secret) = try store.create(for: "producer")
        for owner in ["consumer", "Producer"] {
            #expect(throws: AccessKeyStore.Failure(description: "no access key \(key.accessKeyId)", reason: .noSuchKey)) {
                try store.setStatus(key.accessKeyId, active: false, owner: owner)
            }
            #expect(throws: AccessKeyStore.Failure(description: "no access key \(key.accessKeyId)", reason: .noSuchKey)) {
                try store.delete(key.accessKeyId, owner: owner)
            }
        }
        #expect(store.activeKey(key.accessKeyId) != nil)

        let before = try store.setStatus(key.accessKeyId, active: false, owner: "producer")
        #expect(before == key && store.activeKey(key.accessKeyId) == nil)
        #expect(try store.setStatus(key.accessKeyId, active: before.status == "Active").status == "Inactive")
        #expect(store.activeKey(key.accessKeyId)?.secretAccessKey == secret)

        let deleted = try store.delete(key.accessKeyId, owner: "producer")
        #expect(deleted.metadata == key && store.activeKey(key.accessKeyId) == nil)
        try store.restore(deleted)
        try store.restore(deleted)  // once only
        #expect(try store.list() == [key])
        #expect(store.activeKey(key.accessKeyId)?.secretAccessKey == secret, "the same secret signs again")
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
        let (first, _) = try store.create(for: "a")
        let (second, _) = try store.create(for: "b")
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
