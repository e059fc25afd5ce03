import Foundation
import KMSWire
import KeyService
import Principals

/// Stage 4 of the request path for KMS: runs a decoded call on the key service and shapes the
/// answer as KMS does.
struct KMSExecutor: Sendable {
    let keys: KeyService

    /// Executes `request` for `caller` (authorization already done).
    func execute(_ request: KMSRequest, caller: Principal) async throws -> KMSResponse {
        do {
            return try await run(request, caller: caller)
        } catch let error as KeyServiceError {
            throw KMSError(error)
        }
    }

    private func run(_ request: KMSRequest, caller: Principal) async throws -> KMSResponse {
        switch request {
        case .createKey(let input):
            let spec: ManagedKey.Spec
            switch input.keySpec {
            case nil, .symmetricDefault?: spec = .symmetricDefault
            case .hmac256?: spec = .hmac256
            case let other?: throw KMSError.unsupportedOperation("KeySpec \(other.rawValue) is not supported by this key service.")
            }
            if input.keyUsage == .generateVerifyMac && spec != .hmac256 {
                throw KMSError.validationMessage("KeyUsage GENERATE_VERIFY_MAC needs an HMAC KeySpec.")
            }
            let key = try await keys.createKey(
                description: input.description ?? "", spec: spec, policy: input.policy,
                tags: Dictionary(input.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }))
            return .keyMetadata(metadata(key))
        case .describeKey(let keyId, _):
            return .keyMetadata(metadata(try keys.resolve(keyId)))
        case .listKeys(let paging):
            let (page, next) = try keys.listKeys(limit: paging.limit, marker: paging.marker)
            return .keys(page.map { KMSKeyListEntry(keyId: $0.keyId, keyArn: $0.arn) }, KMSPage(nextMarker: next))
        case .listAliases(let keyId, let paging):
            let (page, next) = try keys.listAliases(keyIdentifier: keyId, limit: paging.limit, marker: paging.marker)
            return .aliases(
                page.map {
                    KMSAliasListEntry(
                        aliasName: $0.name, aliasArn: keys.aliasArn($0.name), targetKeyId: $0.targetKeyId,
                        creationDate: date($0.createdAt), lastUpdatedDate: date($0.updatedAt))
                }, KMSPage(nextMarker: next))
        case .createAlias(let name, let target):
            try await keys.createAlias(name, target: target)
        case .updateAlias(let name, let target):
            try await keys.updateAlias(name, target: target)
        case .deleteAlias(let name):
            try await keys.deleteAlias(name)
        case .encrypt(let input):
            let sealed = try keys.encrypt(input.keyId, plaintext: input.plaintext, context: input.encryptionContext)
            return .encrypt(ciphertextBlob: sealed.ciphertextBlob, keyId: sealed.key.arn, encryptionAlgorithm: .symmetricDefault)
        case .decrypt(let input):
            let opened = try keys.decrypt(input.ciphertextBlob ?? [], identifier: input.keyId, context: input.encryptionContext)
            return .decrypt(keyId: opened.key.arn, plaintext: opened.plaintext, encryptionAlgorithm: .symmetricDefault, keyMaterialId: nil)
        case .reEncrypt(let input):
            let opened = try keys.decrypt(input.ciphertextBlob ?? [], identifier: input.sourceKeyId, context: input.sourceEncryptionContext)
            let sealed = try keys.encrypt(input.destinationKeyId, plaintext: opened.plaintext, context: input.destinationEncryptionContext)
            return .reEncrypt(
                ciphertextBlob: sealed.ciphertextBlob, sourceKeyId: opened.key.arn, keyId: sealed.key.arn,
                sourceEncryptionAlgorithm: .symmetricDefault, destinationEncryptionAlgorithm: .symmetricDefault)
        case .generateDataKey(let input):
            let (sealed, plaintext) = try keys.generateDataKey(input.keyId, count: input.length.byteCount, context: input.encryptionContext)
            return .dataKey(ciphertextBlob: sealed.ciphertextBlob, plaintext: plaintext, keyId: sealed.key.arn, keyMaterialId: nil)
        case .generateDataKeyWithoutPlaintext(let input):
            let (sealed, _) = try keys.generateDataKey(input.keyId, count: input.length.byteCount, context: input.encryptionContext)
            return .dataKey(ciphertextBlob: sealed.ciphertextBlob, plaintext: nil, keyId: sealed.key.arn, keyMaterialId: nil)
        case .generateRandom(let input):
            return .random(plaintext: keys.generateRandom(count: input.numberOfBytes ?? 32))
        case .generateMac(let input):
            let (key, mac) = try keys.generateMac(input.keyId, message: input.message, algorithm: input.macAlgorithm.rawValue)
            return .mac(mac: mac, macAlgorithm: input.macAlgorithm, keyId: key.arn)
        case .verifyMac(let input):
            let key = try keys.verifyMac(input.keyId, message: input.message, mac: input.mac, algorithm: input.macAlgorithm.rawValue)
            return .macVerified(keyId: key.arn, macValid: true, macAlgorithm: input.macAlgorithm)
        case .enableKey(let keyId):
            try await keys.enableKey(keyId)
        case .disableKey(let keyId):
            try await keys.disableKey(keyId)
        case .scheduleKeyDeletion(let keyId, let days):
            let key = try await keys.scheduleKeyDeletion(keyId, days: days)
            return .deletionScheduled(
                keyId: key.arn, deletionDate: date(key.deletionDate ?? 0), keyState: .pendingDeletion,
                pendingWindowInDays: key.pendingWindowDays ?? 30)
        case .cancelKeyDeletion(let keyId):
            return .keyId(try await keys.cancelKeyDeletion(keyId).arn)
        case .enableKeyRotation(let keyId, let period):
            try await keys.enableKeyRotation(keyId, periodDays: period)
        case .disableKeyRotation(let keyId):
            try await keys.disableKeyRotation(keyId)
        case .getKeyRotationStatus(let keyId):
            let key = try keys.resolve(keyId, aliases: false)
            let lastOnDemand = key.versions.last { $0.rotationType == "ON_DEMAND" }
            return .rotationStatus(
                keyRotationEnabled: key.rotationEnabled, keyId: key.arn,
                rotationPeriodInDays: key.rotationEnabled ? key.rotationPeriodDays : nil,
                nextRotationDate: key.nextRotationDate.map(date), onDemandRotationStartDate: lastOnDemand.map { date($0.createdAt) })
        case .rotateKeyOnDemand(let keyId):
            return .keyId(try await keys.rotateKeyOnDemand(keyId).keyId)
        case .listKeyRotations(let keyId, _, let paging):
            let key = try keys.resolve(keyId, aliases: false)
            let rotations = key.versions.filter { $0.rotationType != nil }.map { version in
                KMSRotationListEntry(
                    keyId: key.keyId, rotationDate: date(version.createdAt),
                    rotationType: version.rotationType == "ON_DEMAND" ? .onDemand : .automatic)
            }
            let start = try paging.marker.map { marker throws(KMSError) -> Int in
                guard let index = Int(marker), (0...rotations.count).contains(index) else { throw .invalidMarker() }
                return index
            } ?? 0
            let end = min(rotations.count, start + (paging.limit ?? 100))
            return .rotations(Array(rotations[start..<end]), KMSPage(nextMarker: end < rotations.count ? String(end) : nil))
        case .getKeyPolicy(let keyId, _):
            return .keyPolicy(policy: try keys.resolve(keyId, aliases: false).policy, policyName: "default")
        case .putKeyPolicy(let input):
            try await keys.putKeyPolicy(input.keyId, policy: input.policy)
        case .listKeyPolicies(let keyId, _):
            _ = try keys.resolve(keyId, aliases: false)
            return .policyNames(["default"], KMSPage())
        case .tagResource(let keyId, let tags):
            try await keys.tagKey(keyId, tags: Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }))
        case .untagResource(let keyId, let tagKeys):
            try await keys.untagKey(keyId, keys: tagKeys)
        case .listResourceTags(let keyId, _):
            let key = try keys.resolve(keyId, aliases: false)
            return .tags(key.tags.sorted { $0.key < $1.key }.map { KMSTag(key: $0.key, value: $0.value) }, KMSPage())
        case .createGrant(let input):
            let grant = try await keys.createGrant(
                input.keyId, grantee: input.granteePrincipal, retiring: input.retiringPrincipal,
                operations: input.operations.map(\.rawValue), name: input.name,
                contextSubset: input.constraints?.encryptionContextSubset, contextEquals: input.constraints?.encryptionContextEquals,
                issuingAccount: caller.accountId)
            return .grantCreated(grantToken: grant.grantToken, grantId: grant.grantId)
        case .listGrants(let input):
            let (page, next) = try keys.listGrants(
                input.keyId, grantId: input.grantId, grantee: input.granteePrincipal, limit: input.paging.limit,
                marker: input.paging.marker)
            return .grants(page.map(grantEntry), KMSPage(nextMarker: next))
        case .revokeGrant(let keyId, let grantId, _):
            try await keys.revokeGrant(keyId, grantId: grantId)
        case .retireGrant(let input):
            try await keys.retireGrant(
                token: input.grantToken, identifier: input.keyId, grantId: input.grantId, callerArn: caller.principalArn)
        case .listRetirableGrants(let retiring, let paging):
            let (page, next) = try keys.listRetirableGrants(retiring, limit: paging.limit, marker: paging.marker)
            return .grants(page.map(grantEntry), KMSPage(nextMarker: next))
        }
        return .empty
    }

    private func metadata(_ key: ManagedKey) -> KMSKeyMetadata {
        let state: KMSKeyState =
            switch key.state {
            case .enabled: .enabled
            case .disabled: .disabled
            case .pendingDeletion: .pendingDeletion
            }
        let symmetric = key.spec == .symmetricDefault
        return KMSKeyMetadata(
            awsAccountId: key.accountId, keyId: key.keyId, arn: key.arn, creationDate: date(key.createdAt),
            enabled: key.state == .enabled, description: key.description,
            keyUsage: symmetric ? .encryptDecrypt : .generateVerifyMac, keyState: state, deletionDate: key.deletionDate.map(date),
            keyManager: key.keyManager == "AWS" ? .aws : .customer, keySpec: symmetric ? .symmetricDefault : .hmac256,
            encryptionAlgorithms: symmetric ? [.symmetricDefault] : nil, macAlgorithms: symmetric ? nil : [.hmacSHA256],
            pendingDeletionWindowInDays: key.pendingWindowDays)
    }

    private func grantEntry(_ grant: KeyGrant) -> KMSGrantListEntry {
        let constraints: KMSGrantConstraints? =
            grant.contextSubset == nil && grant.contextEquals == nil
            ? nil : KMSGrantConstraints(encryptionContextSubset: grant.contextSubset, encryptionContextEquals: grant.contextEquals)
        return KMSGrantListEntry(
            keyId: keys.keyArn(grant.keyId), grantId: grant.grantId, name: grant.name, creationDate: date(grant.createdAt),
            granteePrincipal: grant.granteePrincipal, retiringPrincipal: grant.retiringPrincipal,
            issuingAccount: "arn:aws:iam::\(grant.issuingAccount):root",
            operations: grant.operations.compactMap(KMSGrantOperation.init(rawValue:)), constraints: constraints)
    }

    private func date(_ seconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

extension KMSError {
    /// A key-service failure as KMS answers it.
    init(_ error: KeyServiceError) {
        switch error.code {
        case .invalidCiphertext: self = .invalidCiphertext
        case .invalidMac: self = .invalidMac
        default: self.init(type: error.code.rawValue, message: error.message)
        }
    }
}
