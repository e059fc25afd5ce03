import AuditTrail
import Foundation
import Principals
import SealCrypto
import Storage
import WireJSON

/// `sealq audit export DIR` and `sealq audit verify --export DIR`: the audit log as
/// CloudTrail-shaped files — one gzip file of `{"Records":[…]}` per span between two signed
/// checkpoints, with a digest file naming its SHA-256, its events and the signed checkpoint
/// that ends it — and their offline verification with the public key alone.
public enum AuditExport {
    /// Where the records files go in the directory; digests are always at its top.
    public enum Layout: String, Sendable, CaseIterable {
        /// `sealq-audit-FIRST-LAST.json.gz` beside its digest.
        case flat
        /// CloudTrail's delivery layout, which tools reading a trail's S3 prefix expect:
        /// `AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz`,
        /// dated by the checkpoint that closes the span (UTC), UNIQUE made from the span, under
        /// the account and region the data directory was set up for. A span is one file, so the
        /// records of IAM (a global service, whose records say us-east-1) stay in it.
        case cloudTrail = "cloudtrail"
    }

    /// A digest file's contents.
    public struct DigestFile: Codable, Sendable {
        /// The records file it describes.
        public var file: String
        /// SHA-256 of that file, hex.
        public var fileSHA256: String
        /// Position of its first and last event.
        public var firstPosition: Int64
        /// Position of its last event.
        public var lastPosition: Int64
        /// The signed checkpoint at `lastPosition`.
        public var checkpoint: AuditProofs.SignedRoot
    }

    /// Writes every span of the log in `dataDirectory` that a checkpoint closes and `directory`
    /// does not hold yet, its records files laid out as `layout` says; returns how many files
    /// and events it wrote. `directory` and its missing parents are created (mode 0700); an
    /// existing one must be this user's, and loses the write permission of group and others.
    public static func export(dataDirectory: String, to directory: String, layout: Layout = .flat) throws -> (files: Int, events: Int) {
        try SecretFiles.ensureDirectory(directory, durably: true)
        // Only this user may change what is there: a planted digest would pass for a span
        // exported, a planted link lead the files elsewhere, and the archived events are then
        // removed from the database.
        _ = try SecretFiles.restrictDirectory(directory)
        // What an export killed mid-write left (its span is written again below).
        for name in files(in: directory) where isUnfinished(name) {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        var checkpoints: [Checkpoint] = []
        var span: [[UInt8]] = []
        var spanStart: Int64 = 1
        var written = (files: 0, events: 0)
        let home = try DataDirectoryIdentity.recorded(in: dataDirectory)
        try SQLiteAuditStore.read(
            path: dataDirectory + "/sealq.sqlite",
            checkpoints: { all, archived in
                // Events up to an archive cut were exported before they were removed, and spans
                // whose files are there need not be read again: a daemon archiving every few
                // seconds reads only what is new, however long the log it retains.
                var start = Int64(archived?.size ?? 0) + 1
                checkpoints = all.filter { $0.treeSize >= start }
                while let first = checkpoints.first, isExported(first: start, checkpoint: first, in: directory) {
                    start = Int64(first.treeSize) + 1
                    checkpoints.removeFirst()
                }
                spanStart = start
            },
            firstPosition: { spanStart },
            events: { event in
                guard let end = checkpoints.first(where: { Int64($0.treeSize) >= event.position }) else { return false }
                span.append(event.record)
                if event.position == Int64(end.treeSize) {
                    if try write(span, first: spanStart, checkpoint: end, to: directory, layout: layout, home: home) {
                        written.files += 1
                        written.events += span.count
                    }
                    span = []
                    spanStart = event.position + 1
                }
                return true
            })
        return written
    }

    /// Whether `name` is the temporary file of an export file being written (SecretFiles.write's
    /// `NAME.PID.tmp`), which a killed export leaves behind: not part of the export.
    static func isUnfinished(_ name: String) -> Bool {
        let file = name.split(separator: "/").last.map(String.init) ?? name
        return (file.hasPrefix("sealq-audit-") || file.contains("_CloudTrail_")) && file.hasSuffix(".tmp")
    }

    /// Everything under `directory` but folders (files, and links, which are not followed), by
    /// path relative to it. The directory itself may be a link (an archive moved to another disk).
    private static func files(in directory: String) -> [String] {
        let resolved = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard let walk = FileManager.default.enumerator(atPath: resolved) else { return [] }
        var files: [String] = []
        while let path = walk.nextObject() as? String {
            if walk.fileAttributes?[.type] as? FileAttributeType != .typeDirectory { files.append(path) }
        }
        return files.sorted()
    }

    /// The file name, without extension, of the span from `first` to `checkpoint`.
    private static func spanName(first: Int64, checkpoint: Checkpoint) -> String {
        String(format: "sealq-audit-%012lld-%012lld", first, Int64(checkpoint.treeSize))
    }

    /// Whether the span from `first` to `checkpoint` was exported to `directory` (its digest,
    /// written last, is there).
    private static func isExported(first: Int64, checkpoint: Checkpoint, in directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + spanName(first: first, checkpoint: checkpoint) + ".digest.json")
    }

    /// The path, relative to the export directory, of the records file of the span from `first`
    /// to `checkpoint` whose first record is `firstRecord`, for a data directory set up for
    /// `home` (nil for one from before that was recorded: the first record tells).
    static func recordsPath(
        first: Int64, checkpoint: Checkpoint, firstRecord: [UInt8], layout: Layout, home: DataDirectoryIdentity.Record?
    ) -> String {
        let base = spanName(first: first, checkpoint: checkpoint)
        switch layout {
        case .flat:
            return base + ".json.gz"
        case .cloudTrail:
            let record = home == nil ? try? JSONParser.parse(firstRecord) : nil
            let account =
                home?.accountId ?? record?["recipientAccountId"]?.string ?? record?["userIdentity"]?["accountId"]?.string ?? "000000000000"
            let region = home?.region ?? record?["awsRegion"]?.string ?? "us-east-1"
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let date = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(checkpoint.timestamp) / 1000))
            let (year, month, day) = (date.year ?? 1970, date.month ?? 1, date.day ?? 1)
            let unique = Hex.encode(Digest.sha256(Array(base.utf8))).prefix(16).uppercased()
            return String(
                format: "AWSLogs/%@/CloudTrail/%@/%04d/%02d/%02d/%@_CloudTrail_%@_%04d%02d%02dT%02d%02dZ_%@.json.gz",
                account, region, year, month, day, account, region, year, month, day, date.hour ?? 0, date.minute ?? 0, unique)
        }
    }

    /// Writes one span unless its digest is already there; true when written.
    private static func write(
        _ records: [[UInt8]], first: Int64, checkpoint: Checkpoint, to directory: String, layout: Layout,
        home: DataDirectoryIdentity.Record?
    ) throws -> Bool {
        if isExported(first: first, checkpoint: checkpoint, in: directory) { return false }
        let base = spanName(first: first, checkpoint: checkpoint)
        let digestPath = directory + "/" + base + ".digest.json"
        let recordsPath = recordsPath(first: first, checkpoint: checkpoint, firstRecord: records.first ?? [], layout: layout, home: home)
        var body = Array("{\"Records\":[\n".utf8)
        for (index, record) in records.enumerated() {
            body += record
            body += Array((index == records.count - 1 ? "\n" : ",\n").utf8)
        }
        body += Array("]}\n".utf8)
        let file = Gzip.wrap(body)
        // Each file is on disk before the next step: the daemon removes archived events from the
        // database once their export is written, so an export lost to a power cut is lost for good.
        let recordsDirectory = SecretFiles.parent(of: directory + "/" + recordsPath)
        try SecretFiles.ensureDirectory(recordsDirectory, durably: true)
        try SecretFiles.write(file, to: directory + "/" + recordsPath)
        let digest = DigestFile(
            file: recordsPath, fileSHA256: Hex.encode(Digest.sha256(file)), firstPosition: first,
            lastPosition: Int64(checkpoint.treeSize),
            checkpoint: AuditProofs.SignedRoot(checkpoint))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try SecretFiles.write(Array(try encoder.encode(digest)), to: digestPath)
        return true
    }

    /// Verifies an export directory against `publicKeyHex`: every file is one of ours and
    /// intact, and the records, from the first event on, lead to every signed checkpoint, those
    /// of the digests and the `trusted` ones kept elsewhere (so dropping the newest files shows).
    public static func verify(directory: String, publicKeyHex: String, trusted: [Checkpoint] = []) throws -> AuditLogVerifier.Finding {
        let key = try AuditVerification.decodePublicKey(publicKeyHex)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
            (try? FileManager.default.contentsOfDirectory(atPath: directory)) != nil
        else {
            throw AuditVerification.Failure(description: "Cannot read the directory \(directory).")
        }
        let names = files(in: directory).filter { !isUnfinished($0) }
        guard !names.isEmpty else { return damaged("\(directory) holds no audit export") }
        var digests: [DigestFile] = []
        for name in names where name.hasSuffix(".digest.json") && !name.contains("/") {
            guard name.hasPrefix("sealq-audit-"), let data = FileManager.default.contents(atPath: directory + "/" + name),
                let digest = try? JSONDecoder().decode(DigestFile.self, from: data)
            else { return damaged("\(name) is not a SealQ audit export file") }
            // A digest names a file inside the export, never one outside it.
            guard !digest.file.hasPrefix("/"), !digest.file.split(separator: "/").contains("..") else {
                return damaged("\(name) names a records file outside the export: \(digest.file)")
            }
            digests.append(digest)
        }
        let named = Set(digests.map(\.file))
        for name in names where !name.hasSuffix(".digest.json") || name.contains("/") {
            guard named.contains(name) else { return damaged("\(name) is not a SealQ audit export file (or its records file has no digest)") }
        }
        digests.sort { $0.firstPosition < $1.firstPosition }
        let checkpoints = digests.compactMap(\.checkpoint.checkpoint)
        guard checkpoints.count == digests.count else { return damaged("a digest file's checkpoint is not in hex") }
        var verifier = AuditLogVerifier(checkpoints: checkpoints + trusted, publicKey: key)
        var position: Int64 = 0
        for digest in digests {
            guard let file = FileManager.default.contents(atPath: directory + "/" + digest.file).map([UInt8].init) else {
                return damaged("\(digest.file) is missing", at: digest.firstPosition)
            }
            guard Hex.encode(Digest.sha256(file)) == digest.fileSHA256 else {
                return damaged("\(digest.file) was modified: it does not match its digest", at: digest.firstPosition)
            }
            guard let body = Gzip.unwrap(file), let records = records(in: body) else {
                return damaged("\(digest.file) is truncated or not a SealQ export", at: digest.firstPosition)
            }
            guard digest.firstPosition == position + 1, digest.lastPosition - digest.firstPosition + 1 == Int64(records.count) else {
                return damaged("\(digest.file) does not hold the events its digest names", at: position + 1)
            }
            for record in records {
                position += 1
                let eventID = (try? JSONParser.parse(record))?["eventID"]?.string ?? ""
                guard verifier.add(StoredAuditEvent(position: position, eventID: eventID, record: record, leafHash: MerkleTree.leafHash(record)))
                else { return verifier.finish() }
            }
        }
        return verifier.finish()
    }

    /// The exact bytes of each record of a `{"Records":[…]}` file written by `export`.
    private static func records(in body: [UInt8]) -> [[UInt8]]? {
        let lines = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard lines.count >= 3, Array(lines[0]) == Array("{\"Records\":[".utf8), Array(lines[lines.count - 2]) == Array("]}".utf8),
            lines[lines.count - 1].isEmpty
        else { return nil }
        var records: [[UInt8]] = []
        for (index, line) in lines[1..<(lines.count - 2)].enumerated() {
            let last = index == lines.count - 4
            if last { records.append(Array(line)) } else {
                guard line.last == UInt8(ascii: ",") else { return nil }
                records.append(Array(line.dropLast()))
            }
        }
        return records
    }

    private static func damaged(_ reason: String, at position: Int64? = nil) -> AuditLogVerifier.Finding {
        .damaged(AuditDamage(position: position, eventID: nil, reason))
    }
}
