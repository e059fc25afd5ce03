import Foundation
import SealCrypto
import Testing

@testable import Principals

@Suite("SecretFiles: secret files written whole, owner-only")
struct SecretFilesTests {
    private static func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test("The parent of a path: one-character components too, trailing and repeated slashes, the root")
    func parents() {
        let cases: [(String, String)] = [
            ("d", ""), ("a/", ""), ("./", ""), ("data", ""), ("x/y", "x"), ("./d", "."), ("a/b/c/", "a/b"), ("a//b", "a"),
            ("/d", "/"), ("/", "/"), ("//a", "/"), ("/tmp/x", "/tmp"), ("", ""),
        ]
        for (path, parent) in cases { #expect(SecretFiles.parent(of: path) == parent, "\(path)") }
    }

    @Test("A write replaces the file whole with mode 0600, whatever the old file's mode, and leaves no temporary file")
    func replacesWhole() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/secret.key"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("old contents, longer than the new".utf8), attributes: [.posixPermissions: 0o644]))
        // A temporary file an earlier process with this id left open to others.
        let leftover = path + ".\(getpid()).tmp"
        #expect(FileManager.default.createFile(atPath: leftover, contents: Data("stale".utf8), attributes: [.posixPermissions: 0o666]))

        try SecretFiles.write(Array("new".utf8), to: path)
        #expect(try SecretFiles.read(path) == Array("new".utf8))
        #expect(try Self.mode(path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["secret.key"])
    }

    @Test("Contents larger than one read or write chunk, and empty contents, read back exactly")
    func roundTrips() throws {
        let directory = try TemporaryDirectory()
        let large = SecureRandom.bytes(200_000)
        try SecretFiles.write(large, to: directory.path + "/large")
        #expect(try SecretFiles.read(directory.path + "/large") == large)
        try SecretFiles.write([], to: directory.path + "/empty")
        #expect(try SecretFiles.read(directory.path + "/empty") == [])
        #expect(try SecretFiles.read(directory.path + "/missing") == nil)
    }

    @Test("A write into a missing directory fails with the path and the reason, and creates nothing")
    func failsClearly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/absent/secret.key"
        #expect {
            try SecretFiles.write([1, 2, 3], to: path)
        } throws: { error in
            let text = String(describing: error)
            return text.contains(path) && text.contains("No such file or directory")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
    }

    @Test("A link planted at the temporary name is removed, never written through: the file it points to is untouched")
    func plantedLinkIsNotFollowed() throws {
        let directory = try TemporaryDirectory()
        let victim = directory.path + "/victim"
        #expect(FileManager.default.createFile(atPath: victim, contents: Data("keep me".utf8), attributes: [.posixPermissions: 0o644]))
        let path = directory.path + "/secret.key"
        try FileManager.default.createSymbolicLink(atPath: path + ".\(getpid()).tmp", withDestinationPath: victim)

        try SecretFiles.write(Array("secret".utf8), to: path)
        #expect(try SecretFiles.read(victim) == Array("keep me".utf8))
        #expect(try Self.mode(victim) == 0o644)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType == .typeRegular)
        #expect(try SecretFiles.read(path) == Array("secret".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["secret.key", "victim"])
    }

    @Test("A directory others may write loses their write permission, its modes returned; one they may only read is left")
    func directoriesOthersMayWrite() throws {
        let directory = try TemporaryDirectory()
        chmod(directory.path, 0o777)
        #expect(try SecretFiles.restrictDirectory(directory.path).map { [$0.old, $0.new] } == [0o777, 0o755])
        #expect(try Self.mode(directory.path) == 0o755)
        // A group's shared directory keeps its setgid bit and the group's reading.
        chmod(directory.path, 0o2770)
        #expect(try SecretFiles.restrictDirectory(directory.path).map { [$0.old, $0.new] } == [0o2770, 0o2750])
        chmod(directory.path, 0o755)
        #expect(try SecretFiles.restrictDirectory(directory.path) == nil)
        // One others could write that already holds something is narrowed, and refused.
        try directory.write("planted", "?")
        chmod(directory.path, 0o777)
        #expect(throws: SecretFiles.Failure.self) { _ = try SecretFiles.restrictDirectory(directory.path) }
        #expect(try Self.mode(directory.path) == 0o755)
        #expect(throws: Never.self) { try SecretFiles.requireOwnDirectory(directory.path) }
        chmod(directory.path, 0o775)
        #expect(throws: SecretFiles.Failure.self) { try SecretFiles.requireOwnDirectory(directory.path) }
        chmod(directory.path, 0o1777)
        #expect(throws: SecretFiles.Failure.self) { _ = try SecretFiles.restrictDirectory(directory.path) }
        #expect(try Self.mode(directory.path) == 0o1777)
    }
}
