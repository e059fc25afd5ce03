import Foundation
import Testing

@testable import KMSWire

@Suite("Encoding answers")
struct ResponseEncodingTests {
    private let created = Date(timeIntervalSince1970: 1_700_000_000.75)
    private let keyId = "1234abcd-12ab-34cd-56ef-1234567890ab"

    private func body(_ response: KMSResponse) -> String {
        text(KMSResponseEncoder.encode(response, requestId: "r").body)
    }

    @Test("Headers and status of a result")
    func headers() {
        let encoded = KMSResponseEncoder.encode(.empty, requestId: "req-9")
        #expect(encoded.status == 200)
        #expect(encoded.headers.map(\.1) == ["application/x-amz-json-1.1", "req-9"])
        #expect(text(encoded.body) == ResponseFixtures.empty)
    }

    @Test("KeyMetadata: symmetric key, and an HMAC key pending deletion")
    func keyMetadata() {
        let symmetric = KMSKeyMetadata(
            awsAccountId: "000000000000", keyId: keyId, arn: keyArn, creationDate: created, enabled: true, description: "",
            keyUsage: .encryptDecrypt, keyState: .enabled, keySpec: .symmetricDefault, encryptionAlgorithms: [.symmetricDefault])
        #expect(body(.keyMetadata(symmetric)) == ResponseFixtures.describeKey)
        let hmac = KMSKeyMetadata(
            awsAccountId: "000000000000", keyId: keyId, arn: keyArn, creationDate: created, enabled: false, description: "mac \"key\"",
            keyUsage: .generateVerifyMac, keyState: .pendingDeletion, deletionDate: Date(timeIntervalSince1970: 1_702_592_000),
            keySpec: .hmac256, macAlgorithms: [.hmacSHA256],
            currentKeyMaterialId: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
        #expect(body(.keyMetadata(hmac)) == ResponseFixtures.createHmacKeyPendingDeletion)
    }

    @Test("The key material each crypto result used, by the names CloudTrail records it under")
    func keyMaterialIds() {
        #expect(
            KMSResponse.encrypt(ciphertextBlob: [1], keyId: keyArn, encryptionAlgorithm: .symmetricDefault, keyMaterialId: "m1")
                .keyMaterialIds == ["keyMaterialId": "m1"])
        #expect(
            KMSResponse.decrypt(keyId: keyArn, plaintext: [], encryptionAlgorithm: .symmetricDefault, keyMaterialId: "m2")
                .keyMaterialIds == ["keyMaterialId": "m2"])
        #expect(KMSResponse.dataKey(ciphertextBlob: [1], plaintext: nil, keyId: keyArn, keyMaterialId: "m3").keyMaterialIds == ["keyMaterialId": "m3"])
        #expect(
            KMSResponse.reEncrypt(
                ciphertextBlob: [9], sourceKeyId: "a", keyId: "b", sourceEncryptionAlgorithm: .symmetricDefault,
                destinationEncryptionAlgorithm: .symmetricDefault, sourceKeyMaterialId: "01", destinationKeyMaterialId: "02"
            ).keyMaterialIds == ["sourceKeyMaterialId": "01", "destinationKeyMaterialId": "02"])
        #expect(KMSResponse.dataKey(ciphertextBlob: [1], plaintext: nil, keyId: keyArn, keyMaterialId: nil).keyMaterialIds.isEmpty)
        #expect(KMSResponse.keyId(keyArn).keyMaterialIds.isEmpty)
    }

    @Test("Crypto results carry base64 blobs and the key ARN")
    func crypto() {
        // EncryptResponse has no KeyMaterialId member: the material goes to the record only.
        let material = String(repeating: "ab", count: 32)
        #expect(
            body(.encrypt(ciphertextBlob: [1, 2, 3, 4, 255], keyId: keyArn, encryptionAlgorithm: .symmetricDefault, keyMaterialId: material))
                == ResponseFixtures.encrypt)
        #expect(
            body(.decrypt(keyId: keyArn, plaintext: Array("hello".utf8), encryptionAlgorithm: .symmetricDefault, keyMaterialId: nil))
                == ResponseFixtures.decrypt)
        #expect(
            body(
                .reEncrypt(
                    ciphertextBlob: [9], sourceKeyId: "arn:aws:kms:us-east-1:000000000000:key/a",
                    keyId: "arn:aws:kms:us-east-1:000000000000:key/b", sourceEncryptionAlgorithm: .symmetricDefault,
                    destinationEncryptionAlgorithm: .symmetricDefault, sourceKeyMaterialId: nil, destinationKeyMaterialId: nil))
                == ResponseFixtures.reEncrypt)
        #expect(
            body(
                .reEncrypt(
                    ciphertextBlob: [9], sourceKeyId: "a", keyId: "b", sourceEncryptionAlgorithm: .symmetricDefault,
                    destinationEncryptionAlgorithm: .symmetricDefault, sourceKeyMaterialId: "01", destinationKeyMaterialId: "02"))
                == #"{"CiphertextBlob":"CQ==","SourceKeyId":"a","KeyId":"b","SourceEncryptionAlgorithm":"SYMMETRIC_DEFAULT","#
                + #""DestinationEncryptionAlgorithm":"SYMMETRIC_DEFAULT","SourceKeyMaterialId":"01","DestinationKeyMaterialId":"02"}"#)
        #expect(
            body(.dataKey(ciphertextBlob: [1, 2, 3], plaintext: Array(0..<32), keyId: keyArn, keyMaterialId: nil))
                == ResponseFixtures.generateDataKey)
        #expect(
            body(.dataKey(ciphertextBlob: [1, 2, 3], plaintext: nil, keyId: keyArn, keyMaterialId: nil))
                == ResponseFixtures.generateDataKeyWithoutPlaintext)
        #expect(body(.random(plaintext: [0xFF, 0xEF])) == ResponseFixtures.generateRandom)
        #expect(body(.mac(mac: [0xAB, 0xCD], macAlgorithm: .hmacSHA256, keyId: keyArn)) == ResponseFixtures.generateMac)
        #expect(body(.macVerified(keyId: keyArn, macValid: true, macAlgorithm: .hmacSHA256)) == ResponseFixtures.verifyMac)
        #expect(
            body(.decrypt(keyId: "k", plaintext: [0], encryptionAlgorithm: .symmetricDefault, keyMaterialId: "ab"))
                == #"{"KeyId":"k","Plaintext":"AA==","EncryptionAlgorithm":"SYMMETRIC_DEFAULT","KeyMaterialId":"ab"}"#)
    }

    @Test("Lists: Truncated always, NextMarker only when truncated")
    func lists() {
        let arnA = "arn:aws:kms:us-east-1:000000000000:key/a"
        #expect(body(.keys([KMSKeyListEntry(keyId: "a", keyArn: arnA)], KMSPage(nextMarker: "a"))) == ResponseFixtures.listKeysTruncated)
        #expect(body(.keys([], KMSPage())) == ResponseFixtures.listKeysEmpty)
        #expect(
            body(
                .aliases(
                    [
                        KMSAliasListEntry(
                            aliasName: "alias/q", aliasArn: "arn:aws:kms:us-east-1:000000000000:alias/q", targetKeyId: "a",
                            creationDate: created, lastUpdatedDate: Date(timeIntervalSince1970: 1_700_000_001))
                    ], KMSPage())) == ResponseFixtures.listAliases)
        #expect(
            body(.rotations([KMSRotationListEntry(keyId: arnA, rotationDate: created, rotationType: .onDemand)], KMSPage()))
                == ResponseFixtures.listKeyRotations)
        #expect(body(.policyNames(["default"], KMSPage())) == ResponseFixtures.listKeyPolicies)
        #expect(body(.tags([KMSTag(key: "team", value: "a")], KMSPage())) == ResponseFixtures.listResourceTags)
        let grant = KMSGrantListEntry(
            keyId: arnA, grantId: "g1", name: "n", creationDate: created, granteePrincipal: "arn:aws:iam::000000000000:role/app",
            retiringPrincipal: "arn:aws:iam::000000000000:root", issuingAccount: "arn:aws:iam::000000000000:root",
            operations: [.encrypt, .decrypt], constraints: KMSGrantConstraints(encryptionContextSubset: ["b": "2", "a": "1"]))
        #expect(body(.grants([grant], KMSPage(nextMarker: "g1"))) == ResponseFixtures.listGrants)
    }

    @Test("Key lifecycle, rotation, policy and grant results")
    func others() {
        let arnA = "arn:aws:kms:us-east-1:000000000000:key/a"
        #expect(
            body(
                .deletionScheduled(
                    keyId: arnA, deletionDate: Date(timeIntervalSince1970: 1_700_604_800), keyState: .pendingDeletion, pendingWindowInDays: 7))
                == ResponseFixtures.scheduleKeyDeletion)
        #expect(body(.keyId(arnA)) == ResponseFixtures.cancelKeyDeletion)
        #expect(
            body(
                .rotationStatus(
                    keyRotationEnabled: true, keyId: arnA, rotationPeriodInDays: 365, nextRotationDate: Date(timeIntervalSince1970: 1_731_536_000)))
                == ResponseFixtures.rotationStatus)
        #expect(
            body(.rotationStatus(keyRotationEnabled: false, keyId: arnA, rotationPeriodInDays: nil, nextRotationDate: nil))
                == #"{"KeyRotationEnabled":false,"KeyId":"\#(arnA)"}"#)
        #expect(body(.keyPolicy(policy: #"{"Version":"2012-10-17"}"#, policyName: "default")) == ResponseFixtures.getKeyPolicy)
        #expect(body(.grantCreated(grantToken: "token", grantId: "0123456789abcdef")) == ResponseFixtures.createGrant)
    }

    @Test("Decoded blobs round-trip through the encoder's base64")
    func roundTrip() throws {
        let bytes: [UInt8] = Array(0...255)
        guard case .encrypt(let input) = try decode(.encrypt, #"{"KeyId":"k","Plaintext":"\#(base64(bytes))"}"#) else { return }
        #expect(input.plaintext == bytes)
        #expect(body(.random(plaintext: bytes)) == #"{"Plaintext":"\#(base64(bytes))"}"#)
    }
}
