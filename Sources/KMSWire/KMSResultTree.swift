import Foundation
import WireFormat

/// Builds the JSON tree of each KMS result, members named and ordered as the KMS model declares them.
enum KMSResultTree {
    static func node(for response: KMSResponse) -> OutputNode {
        switch response {
        case .empty:
            return .structure([])
        case .keyMetadata(let metadata):
            return .structure([("KeyMetadata", keyMetadata(metadata))])
        case .keys(let entries, let page):
            let items = entries.map { OutputNode.structure([("KeyId", .text($0.keyId)), ("KeyArn", .text($0.keyArn))]) }
            return paged("Keys", items, page)
        case .aliases(let entries, let page):
            return paged("Aliases", entries.map(alias), page)
        case .encrypt(let ciphertext, let keyId, let algorithm, _):
            return .structure([
                ("CiphertextBlob", blob(ciphertext)), ("KeyId", .text(keyId)), ("EncryptionAlgorithm", .text(algorithm.rawValue)),
            ])
        case .decrypt(let keyId, let plaintext, let algorithm, let materialId):
            var members: [(String, OutputNode)] = [
                ("KeyId", .text(keyId)), ("Plaintext", blob(plaintext)), ("EncryptionAlgorithm", .text(algorithm.rawValue)),
            ]
            if let materialId { members.append(("KeyMaterialId", .text(materialId))) }
            return .structure(members)
        case .reEncrypt(let ciphertext, let sourceKeyId, let keyId, let sourceAlgorithm, let destinationAlgorithm, let sourceMaterial,
            let destinationMaterial):
            var members: [(String, OutputNode)] = [
                ("CiphertextBlob", blob(ciphertext)), ("SourceKeyId", .text(sourceKeyId)), ("KeyId", .text(keyId)),
                ("SourceEncryptionAlgorithm", .text(sourceAlgorithm.rawValue)),
                ("DestinationEncryptionAlgorithm", .text(destinationAlgorithm.rawValue)),
            ]
            if let sourceMaterial { members.append(("SourceKeyMaterialId", .text(sourceMaterial))) }
            if let destinationMaterial { members.append(("DestinationKeyMaterialId", .text(destinationMaterial))) }
            return .structure(members)
        case .dataKey(let ciphertext, let plaintext, let keyId, let materialId):
            var members: [(String, OutputNode)] = [("CiphertextBlob", blob(ciphertext))]
            if let plaintext { members.append(("Plaintext", blob(plaintext))) }
            members.append(("KeyId", .text(keyId)))
            if let materialId { members.append(("KeyMaterialId", .text(materialId))) }
            return .structure(members)
        case .random(let plaintext):
            return .structure([("Plaintext", blob(plaintext))])
        case .mac(let mac, let algorithm, let keyId):
            return .structure([("Mac", blob(mac)), ("MacAlgorithm", .text(algorithm.rawValue)), ("KeyId", .text(keyId))])
        case .macVerified(let keyId, let valid, let algorithm):
            return .structure([("KeyId", .text(keyId)), ("MacValid", .boolean(valid)), ("MacAlgorithm", .text(algorithm.rawValue))])
        case .deletionScheduled(let keyId, let deletionDate, let keyState, let window):
            return .structure([
                ("KeyId", .text(keyId)), ("DeletionDate", timestamp(deletionDate)), ("KeyState", .text(keyState.rawValue)),
                ("PendingWindowInDays", .number(Int64(window))),
            ])
        case .keyId(let keyId):
            return .structure([("KeyId", .text(keyId))])
        case .rotationStatus(let enabled, let keyId, let period, let next):
            var members: [(String, OutputNode)] = [("KeyRotationEnabled", .boolean(enabled)), ("KeyId", .text(keyId))]
            if let period { members.append(("RotationPeriodInDays", .number(Int64(period)))) }
            if let next { members.append(("NextRotationDate", timestamp(next))) }
            return .structure(members)
        case .rotations(let entries, let page):
            return paged("Rotations", entries.map(rotation), page)
        case .keyPolicy(let policy, let name):
            return .structure([("Policy", .text(policy)), ("PolicyName", .text(name))])
        case .policyNames(let names, let page):
            return paged("PolicyNames", names.map { .text($0) }, page)
        case .tags(let tags, let page):
            return paged("Tags", tags.map(tag), page)
        case .grantCreated(let token, let grantId):
            return .structure([("GrantToken", .text(token)), ("GrantId", .text(grantId))])
        case .grants(let entries, let page):
            return paged("Grants", entries.map(grant), page)
        }
    }

    static func keyMetadata(_ metadata: KMSKeyMetadata) -> OutputNode {
        var members: [(String, OutputNode)] = [
            ("AWSAccountId", .text(metadata.awsAccountId)), ("KeyId", .text(metadata.keyId)), ("Arn", .text(metadata.arn)),
            ("CreationDate", timestamp(metadata.creationDate)), ("Enabled", .boolean(metadata.enabled)),
            ("Description", .text(metadata.description)), ("KeyUsage", .text(metadata.keyUsage.rawValue)),
            ("KeyState", .text(metadata.keyState.rawValue)),
        ]
        if let deletionDate = metadata.deletionDate { members.append(("DeletionDate", timestamp(deletionDate))) }
        members += [
            ("Origin", .text(metadata.origin.rawValue)), ("KeyManager", .text(metadata.keyManager.rawValue)),
            ("CustomerMasterKeySpec", .text(metadata.keySpec.rawValue)), ("KeySpec", .text(metadata.keySpec.rawValue)),
        ]
        if let algorithms = metadata.encryptionAlgorithms {
            members.append(("EncryptionAlgorithms", .list(itemName: "member", algorithms.map { .text($0.rawValue) })))
        }
        members.append(("MultiRegion", .boolean(metadata.multiRegion)))
        if let algorithms = metadata.macAlgorithms {
            members.append(("MacAlgorithms", .list(itemName: "member", algorithms.map { .text($0.rawValue) })))
        }
        if let materialId = metadata.currentKeyMaterialId { members.append(("CurrentKeyMaterialId", .text(materialId))) }
        return .structure(members)
    }

    private static func paged(_ name: String, _ items: [OutputNode], _ page: KMSPage) -> OutputNode {
        var members: [(String, OutputNode)] = [(name, .list(itemName: "member", items))]
        if let marker = page.nextMarker { members.append(("NextMarker", .text(marker))) }
        members.append(("Truncated", .boolean(page.truncated)))
        return .structure(members)
    }

    private static func alias(_ entry: KMSAliasListEntry) -> OutputNode {
        var members: [(String, OutputNode)] = [("AliasName", .text(entry.aliasName)), ("AliasArn", .text(entry.aliasArn))]
        if let target = entry.targetKeyId { members.append(("TargetKeyId", .text(target))) }
        if let created = entry.creationDate { members.append(("CreationDate", timestamp(created))) }
        if let updated = entry.lastUpdatedDate { members.append(("LastUpdatedDate", timestamp(updated))) }
        return .structure(members)
    }

    private static func grant(_ entry: KMSGrantListEntry) -> OutputNode {
        var members: [(String, OutputNode)] = [("KeyId", .text(entry.keyId)), ("GrantId", .text(entry.grantId))]
        if let name = entry.name { members.append(("Name", .text(name))) }
        members += [("CreationDate", timestamp(entry.creationDate)), ("GranteePrincipal", .text(entry.granteePrincipal))]
        if let retiring = entry.retiringPrincipal { members.append(("RetiringPrincipal", .text(retiring))) }
        members += [
            ("IssuingAccount", .text(entry.issuingAccount)),
            ("Operations", .list(itemName: "member", entry.operations.map { .text($0.rawValue) })),
        ]
        if let constraints = entry.constraints {
            var fields: [(String, OutputNode)] = []
            if let subset = constraints.encryptionContextSubset { fields.append(("EncryptionContextSubset", context(subset))) }
            if let equals = constraints.encryptionContextEquals { fields.append(("EncryptionContextEquals", context(equals))) }
            members.append(("Constraints", .structure(fields)))
        }
        return .structure(members)
    }

    private static func rotation(_ entry: KMSRotationListEntry) -> OutputNode {
        var members: [(String, OutputNode)] = [("KeyId", .text(entry.keyId))]
        if let materialId = entry.keyMaterialId { members.append(("KeyMaterialId", .text(materialId))) }
        if let state = entry.keyMaterialState { members.append(("KeyMaterialState", .text(state.rawValue))) }
        if let date = entry.rotationDate { members.append(("RotationDate", timestamp(date))) }
        if let type = entry.rotationType { members.append(("RotationType", .text(type.rawValue))) }
        return .structure(members)
    }

    private static func tag(_ tag: KMSTag) -> OutputNode {
        .structure([("TagKey", .text(tag.key)), ("TagValue", .text(tag.value))])
    }

    /// An encryption context, keys sorted so the bytes are deterministic.
    private static func context(_ context: KMSEncryptionContext) -> OutputNode {
        .map(entryName: "entry", keyName: "key", valueName: "value", context.sorted { $0.key < $1.key }.map { ($0.key, .text($0.value)) })
    }

    /// A blob: standard padded base64.
    static func blob(_ bytes: [UInt8]) -> OutputNode { .text(Data(bytes).base64EncodedString()) }

    /// A timestamp: whole epoch seconds (the shared writer has integers only; every SDK reads them).
    static func timestamp(_ date: Date) -> OutputNode {
        .number(Int64(date.timeIntervalSince1970.rounded(.down)))
    }
}
