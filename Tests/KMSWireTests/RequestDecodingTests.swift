import Testing

@testable import KMSWire

@Suite("Decoding every action")
struct RequestDecodingTests {
    @Test("CreateKey with every member")
    func createKey() throws {
        let request = try decode(
            .createKey,
            #"{"Policy":"{\"Version\":\"2012-10-17\"}","Description":"queue key","KeyUsage":"GENERATE_VERIFY_MAC","KeySpec":"HMAC_256","Origin":"AWS_KMS","BypassPolicyLockoutSafetyCheck":true,"Tags":[{"TagKey":"team","TagValue":"a"},{"TagKey":"env","TagValue":""}],"MultiRegion":false}"#
        )
        #expect(
            request
                == .createKey(
                    KMSRequest.CreateKey(
                        policy: #"{"Version":"2012-10-17"}"#, description: "queue key", keyUsage: .generateVerifyMac, keySpec: .hmac256,
                        origin: .awsKMS, customKeyStoreId: nil, xksKeyId: nil, bypassPolicyLockoutSafetyCheck: true,
                        tags: [KMSTag(key: "team", value: "a"), KMSTag(key: "env", value: "")], multiRegion: false)))
    }

    @Test("CreateKey with nothing, and with the deprecated CustomerMasterKeySpec")
    func createKeyDefaults() throws {
        #expect(
            try decode(.createKey, "")
                == .createKey(
                    KMSRequest.CreateKey(
                        policy: nil, description: nil, keyUsage: nil, keySpec: nil, origin: nil, customKeyStoreId: nil, xksKeyId: nil,
                        bypassPolicyLockoutSafetyCheck: false, tags: [], multiRegion: nil)))
        guard case .createKey(let input) = try decode(.createKey, #"{"CustomerMasterKeySpec":"HMAC_512"}"#) else {
            Issue.record("not CreateKey")
            return
        }
        #expect(input.keySpec == .hmac512)
        #expect(
            decodingError(.createKey, #"{"CustomerMasterKeySpec":"HMAC_512","KeySpec":"HMAC_512"}"#)
                == .validationMessage("You cannot specify KeySpec and CustomerMasterKeySpec in the same request."))
    }

    @Test("Key reads: DescribeKey, ListKeys, ListAliases")
    func keyReads() throws {
        #expect(
            try decode(.describeKey, #"{"KeyId":"alias/q","GrantTokens":["t1","t2"]}"#)
                == .describeKey(keyId: "alias/q", grantTokens: ["t1", "t2"]))
        #expect(try decode(.listKeys, #"{"Limit":10,"Marker":"abc"}"#) == .listKeys(KMSPaging(limit: 10, marker: "abc")))
        #expect(try decode(.listKeys, "{}") == .listKeys(KMSPaging()))
        #expect(try decode(.listKeys, #"{"Limit":1000}"#) == .listKeys(KMSPaging(limit: 1000)))
        #expect(
            try decode(.listAliases, #"{"KeyId":"k","Limit":100}"#) == .listAliases(keyId: "k", paging: KMSPaging(limit: 100)))
        #expect(throws: KMSError.self, "ListAliases takes 1-100") { try decode(.listAliases, #"{"Limit":101}"#) }
    }

    @Test("Aliases: CreateAlias, UpdateAlias, DeleteAlias")
    func aliases() throws {
        #expect(
            try decode(.createAlias, #"{"AliasName":"alias/my-key_1:x","TargetKeyId":"k"}"#)
                == .createAlias(aliasName: "alias/my-key_1:x", targetKeyId: "k"))
        #expect(
            try decode(.updateAlias, #"{"AliasName":"alias/a","TargetKeyId":"k2"}"#) == .updateAlias(aliasName: "alias/a", targetKeyId: "k2"))
        #expect(try decode(.deleteAlias, #"{"AliasName":"alias/a"}"#) == .deleteAlias(aliasName: "alias/a"))
    }

    @Test("Encrypt: base64 plaintext, context, grant tokens, algorithm, DryRun")
    func encrypt() throws {
        let request = try decode(
            .encrypt,
            #"{"KeyId":"k","Plaintext":"aGVsbG8=","EncryptionContext":{"queue":"q1","Queue":"Q"},"GrantTokens":["g"],"EncryptionAlgorithm":"SYMMETRIC_DEFAULT","DryRun":true}"#
        )
        #expect(
            request
                == .encrypt(
                    KMSRequest.Encrypt(
                        keyId: "k", plaintext: Array("hello".utf8), encryptionContext: ["queue": "q1", "Queue": "Q"], grantTokens: ["g"],
                        encryptionAlgorithm: .symmetricDefault, dryRun: true)))
        guard case .encrypt(let bare) = try decode(.encrypt, #"{"KeyId":"k","Plaintext":"AA=="}"#) else { return }
        #expect(bare.plaintext == [0])
        #expect(bare.encryptionContext.isEmpty && bare.grantTokens.isEmpty && !bare.dryRun && bare.encryptionAlgorithm == nil)
    }

    @Test("Decrypt: KeyId optional; CiphertextBlob may be left out only by a DryRun with IGNORE_CIPHERTEXT")
    func decrypt() throws {
        let blob: [UInt8] = [1, 2, 3, 255]
        #expect(
            try decode(.decrypt, #"{"CiphertextBlob":"\#(base64(blob))","EncryptionContext":{"a":"b"}}"#)
                == .decrypt(
                    KMSRequest.Decrypt(
                        ciphertextBlob: blob, encryptionContext: ["a": "b"], grantTokens: [], keyId: nil, encryptionAlgorithm: nil,
                        recipient: nil, dryRun: false, dryRunModifiers: [])))
        guard case .decrypt(let dry) = try decode(.decrypt, #"{"DryRun":true,"DryRunModifiers":["IGNORE_CIPHERTEXT"],"KeyId":"k"}"#)
        else { return }
        #expect(dry.ciphertextBlob == nil && dry.keyId == "k" && dry.dryRunModifiers == [.ignoreCiphertext])
        #expect(
            decodingError(.decrypt, #"{"KeyId":"k"}"#)
                == .validation(["Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null"]))
        #expect(
            decodingError(.decrypt, #"{"DryRun":true}"#)
                == .validation(["Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null"]))
        guard case .decrypt(let withRecipient) = try decode(
            .decrypt, #"{"CiphertextBlob":"AQ==","Recipient":{"KeyEncryptionAlgorithm":"RSAES_OAEP_SHA_256","AttestationDocument":"AQI="}}"#)
        else { return }
        #expect(withRecipient.recipient == KMSRecipientInfo(keyEncryptionAlgorithm: .rsaesOAEPSHA256, attestationDocument: [1, 2]))
    }

    @Test("ReEncrypt: source and destination members")
    func reEncrypt() throws {
        #expect(
            try decode(
                .reEncrypt,
                #"{"CiphertextBlob":"AQID","SourceEncryptionContext":{"a":"1"},"SourceKeyId":"s","DestinationKeyId":"d","DestinationEncryptionContext":{"b":"2"},"SourceEncryptionAlgorithm":"SYMMETRIC_DEFAULT","DestinationEncryptionAlgorithm":"SYMMETRIC_DEFAULT","GrantTokens":[]}"#
            )
                == .reEncrypt(
                    KMSRequest.ReEncrypt(
                        ciphertextBlob: [1, 2, 3], sourceEncryptionContext: ["a": "1"], sourceKeyId: "s", destinationKeyId: "d",
                        destinationEncryptionContext: ["b": "2"], sourceEncryptionAlgorithm: .symmetricDefault,
                        destinationEncryptionAlgorithm: .symmetricDefault, grantTokens: [], dryRun: false, dryRunModifiers: [])))
        #expect(
            decodingError(.reEncrypt, #"{"CiphertextBlob":"AQID"}"#)
                == .validation(["Value null at 'destinationKeyId' failed to satisfy constraint: Member must not be null"]))
    }

    @Test("GenerateDataKey and WithoutPlaintext: NumberOfBytes or KeySpec, exactly one")
    func generateDataKey() throws {
        #expect(
            try decode(.generateDataKey, #"{"KeyId":"k","KeySpec":"AES_256","EncryptionContext":{"q":"1"}}"#)
                == .generateDataKey(
                    KMSRequest.GenerateDataKey(
                        keyId: "k", encryptionContext: ["q": "1"], length: .keySpec(.aes256), grantTokens: [], recipient: nil, dryRun: false)))
        guard case .generateDataKeyWithoutPlaintext(let input) = try decode(
            .generateDataKeyWithoutPlaintext, #"{"KeyId":"k","NumberOfBytes":64,"DryRun":false}"#)
        else {
            Issue.record("wrong case")
            return
        }
        #expect(input.length == .numberOfBytes(64) && input.length.byteCount == 64)
        #expect(KMSRequest.DataKeyLength.keySpec(.aes128).byteCount == 16)
        let either = KMSError.validationMessage("Please specify either number of bytes or key spec.")
        #expect(decodingError(.generateDataKey, #"{"KeyId":"k"}"#) == either)
        #expect(decodingError(.generateDataKey, #"{"KeyId":"k","KeySpec":"AES_128","NumberOfBytes":16}"#) == either)
    }

    @Test("GenerateRandom, GenerateMac, VerifyMac")
    func randomAndMac() throws {
        #expect(
            try decode(.generateRandom, #"{"NumberOfBytes":32}"#)
                == .generateRandom(KMSRequest.GenerateRandom(numberOfBytes: 32, customKeyStoreId: nil, recipient: nil)))
        #expect(
            try decode(.generateMac, #"{"Message":"bXNn","KeyId":"k","MacAlgorithm":"HMAC_SHA_384"}"#)
                == .generateMac(
                    KMSRequest.GenerateMac(message: Array("msg".utf8), keyId: "k", macAlgorithm: .hmacSHA384, grantTokens: [], dryRun: false)))
        #expect(
            try decode(.verifyMac, #"{"Message":"bXNn","KeyId":"k","MacAlgorithm":"HMAC_SHA_512","Mac":"AAEC","GrantTokens":["t"]}"#)
                == .verifyMac(
                    KMSRequest.VerifyMac(
                        message: Array("msg".utf8), keyId: "k", macAlgorithm: .hmacSHA512, mac: [0, 1, 2], grantTokens: ["t"], dryRun: false)))
        #expect(
            decodingError(.verifyMac, #"{}"#)
                == .validation([
                    "Value null at 'message' failed to satisfy constraint: Member must not be null",
                    "Value null at 'keyId' failed to satisfy constraint: Member must not be null",
                    "Value null at 'macAlgorithm' failed to satisfy constraint: Member must not be null",
                    "Value null at 'mac' failed to satisfy constraint: Member must not be null",
                ]))
    }

    @Test("Key state and rotation operations")
    func keyStateAndRotation() throws {
        let key = #"{"KeyId":"k"}"#
        #expect(try decode(.enableKey, key) == .enableKey(keyId: "k"))
        #expect(try decode(.disableKey, key) == .disableKey(keyId: "k"))
        #expect(try decode(.cancelKeyDeletion, key) == .cancelKeyDeletion(keyId: "k"))
        #expect(try decode(.disableKeyRotation, key) == .disableKeyRotation(keyId: "k"))
        #expect(try decode(.getKeyRotationStatus, key) == .getKeyRotationStatus(keyId: "k"))
        #expect(try decode(.rotateKeyOnDemand, key) == .rotateKeyOnDemand(keyId: "k"))
        #expect(try decode(.scheduleKeyDeletion, key) == .scheduleKeyDeletion(keyId: "k", pendingWindowInDays: nil))
        #expect(
            try decode(.scheduleKeyDeletion, #"{"KeyId":"k","PendingWindowInDays":7}"#) == .scheduleKeyDeletion(keyId: "k", pendingWindowInDays: 7))
        #expect(try decode(.enableKeyRotation, key) == .enableKeyRotation(keyId: "k", rotationPeriodInDays: nil))
        #expect(
            try decode(.enableKeyRotation, #"{"KeyId":"k","RotationPeriodInDays":2560}"#)
                == .enableKeyRotation(keyId: "k", rotationPeriodInDays: 2560))
        #expect(
            try decode(.listKeyRotations, #"{"KeyId":"k","IncludeKeyMaterial":"ROTATIONS_ONLY","Limit":5}"#)
                == .listKeyRotations(keyId: "k", includeKeyMaterial: .rotationsOnly, paging: KMSPaging(limit: 5)))
    }

    @Test("Key policies and tags")
    func policiesAndTags() throws {
        #expect(try decode(.getKeyPolicy, #"{"KeyId":"k"}"#) == .getKeyPolicy(keyId: "k", policyName: nil))
        #expect(try decode(.getKeyPolicy, #"{"KeyId":"k","PolicyName":"default"}"#) == .getKeyPolicy(keyId: "k", policyName: "default"))
        #expect(
            try decode(.putKeyPolicy, #"{"KeyId":"k","Policy":"{}","BypassPolicyLockoutSafetyCheck":true}"#)
                == .putKeyPolicy(KMSRequest.PutKeyPolicy(keyId: "k", policyName: nil, policy: "{}", bypassPolicyLockoutSafetyCheck: true)))
        #expect(
            try decode(.listKeyPolicies, #"{"KeyId":"k","Marker":"m"}"#) == .listKeyPolicies(keyId: "k", paging: KMSPaging(marker: "m")))
        #expect(
            try decode(.tagResource, #"{"KeyId":"k","Tags":[{"TagKey":"a","TagValue":"1"}]}"#)
                == .tagResource(keyId: "k", tags: [KMSTag(key: "a", value: "1")]))
        #expect(try decode(.untagResource, #"{"KeyId":"k","TagKeys":["a","b"]}"#) == .untagResource(keyId: "k", tagKeys: ["a", "b"]))
        #expect(try decode(.listResourceTags, #"{"KeyId":"k"}"#) == .listResourceTags(keyId: "k", paging: KMSPaging()))
    }

    @Test("Grants")
    func grants() throws {
        #expect(
            try decode(
                .createGrant,
                #"{"KeyId":"k","GranteePrincipal":"arn:aws:iam::000000000000:role/app","RetiringPrincipal":"arn:aws:iam::000000000000:root","Operations":["Encrypt","Decrypt"],"Constraints":{"EncryptionContextSubset":{"q":"1"}},"Name":"g-1","DryRun":true}"#
            )
                == .createGrant(
                    KMSRequest.CreateGrant(
                        keyId: "k", granteePrincipal: "arn:aws:iam::000000000000:role/app",
                        retiringPrincipal: "arn:aws:iam::000000000000:root", operations: [.encrypt, .decrypt],
                        constraints: KMSGrantConstraints(encryptionContextSubset: ["q": "1"]), grantTokens: [], name: "g-1", dryRun: true)))
        #expect(
            try decode(.listGrants, #"{"KeyId":"k","GrantId":"g","GranteePrincipal":"p","Limit":50}"#)
                == .listGrants(KMSRequest.ListGrants(keyId: "k", grantId: "g", granteePrincipal: "p", paging: KMSPaging(limit: 50))))
        #expect(try decode(.revokeGrant, #"{"KeyId":"k","GrantId":"g"}"#) == .revokeGrant(keyId: "k", grantId: "g", dryRun: false))
        #expect(
            try decode(.retireGrant, #"{"GrantToken":"tok"}"#)
                == .retireGrant(KMSRequest.RetireGrant(grantToken: "tok", keyId: nil, grantId: nil, dryRun: false)))
        #expect(
            try decode(.listRetirableGrants, #"{"RetiringPrincipal":"arn:aws:iam::000000000000:root"}"#)
                == .listRetirableGrants(retiringPrincipal: "arn:aws:iam::000000000000:root", paging: KMSPaging()))
    }

    @Test("Unknown members are ignored and null reads as absent")
    func unknownAndNull() throws {
        #expect(try decode(.listKeys, #"{"Limit":null,"Extra":[1,2]}"#) == .listKeys(KMSPaging()))
        #expect(try decode(.listAliases, #"{"KeyId":null}"#) == .listAliases(keyId: nil, paging: KMSPaging()))
    }
}
