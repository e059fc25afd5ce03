import Foundation
import Testing

@testable import SealQBench

@Suite("Benchmark credentials: the first pair given, never half of one")
struct BenchmarkCredentialsTests {
    let nowhere = "/nonexistent-\(UUID().uuidString)"

    @Test("Arguments beat AWS_* and SEALQ_ADMIN_*; the admin file is read last")
    func order() throws {
        let environment = [
            "AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT00000", "AWS_SECRET_ACCESS_KEY": "env",
            "SEALQ_ADMIN_ACCESS_KEY_ID": "AKIAADMIN00000000000", "SEALQ_ADMIN_SECRET_ACCESS_KEY": "admin",
        ]
        let given = try BenchmarkCredentials.resolve(
            accessKeyId: "AKIAGIVEN00000000000", secretAccessKey: "given", environment: environment, dataDirectory: nowhere)
        #expect(given == BenchmarkCredentials(accessKeyId: "AKIAGIVEN00000000000", secretAccessKey: "given"))
        let fromEnvironment = try BenchmarkCredentials.resolve(accessKeyId: nil, secretAccessKey: nil, environment: environment, dataDirectory: nowhere)
        #expect(fromEnvironment.accessKeyId == "AKIAENVIRONMENT00000")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "[sealq-admin]\naws_access_key_id = AKIAFILE000000000000\naws_secret_access_key = file\n"
            .write(toFile: directory + "/admin-credentials", atomically: true, encoding: .utf8)
        let fromFile = try BenchmarkCredentials.resolve(accessKeyId: nil, secretAccessKey: nil, environment: [:], dataDirectory: directory)
        #expect(fromFile == BenchmarkCredentials(accessKeyId: "AKIAFILE000000000000", secretAccessKey: "file"))
    }

    @Test("Half a pair is refused, not passed over for the admin's keys")
    func halfAPair() {
        let admin = ["SEALQ_ADMIN_ACCESS_KEY_ID": "AKIAADMIN00000000000", "SEALQ_ADMIN_SECRET_ACCESS_KEY": "admin"]
        #expect(throws: BenchmarkError.self) {
            try BenchmarkCredentials.resolve(accessKeyId: "AKIAGIVEN00000000000", secretAccessKey: nil, environment: admin, dataDirectory: nowhere)
        }
        #expect(throws: BenchmarkError.self) {
            try BenchmarkCredentials.resolve(
                accessKeyId: nil, secretAccessKey: nil, environment: admin.merging(["AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT00000"]) { $1 },
                dataDirectory: nowhere)
        }
    }
}
