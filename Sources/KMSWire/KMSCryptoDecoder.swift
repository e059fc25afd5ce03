/// Reads the cryptographic operations' inputs.
enum KMSCryptoDecoder {
    /// `PlaintextType`: 1–4,096 bytes.
    static let plaintextLength = 1...4096
    /// `CiphertextType`: 1–6,144 bytes.
    static let ciphertextLength = 1...6144

    static func read(_ action: KMSAction, _ input: inout KMSInput) throws(KMSError) -> KMSRequest {
        switch action {
        case .encrypt:
            return .encrypt(
                KMSRequest.Encrypt(
                    keyId: try input.requiredString("KeyId", .keyId),
                    plaintext: try input.blob("Plaintext", plaintextLength, sensitive: true, required: true) ?? [],
                    encryptionContext: try input.stringMap("EncryptionContext") ?? [:], grantTokens: try input.grantTokens(),
                    encryptionAlgorithm: try input.enumeration("EncryptionAlgorithm", KMSEncryptionAlgorithm.self),
                    dryRun: try input.bool("DryRun") ?? false))
        case .decrypt:
            let ciphertext = try input.blob("CiphertextBlob", ciphertextLength)
            var request = KMSRequest.Decrypt(
                ciphertextBlob: ciphertext, encryptionContext: try input.stringMap("EncryptionContext") ?? [:],
                grantTokens: try input.grantTokens(), keyId: try input.string("KeyId", .keyId),
                encryptionAlgorithm: try input.enumeration("EncryptionAlgorithm", KMSEncryptionAlgorithm.self),
                recipient: try recipient(&input), dryRun: try input.bool("DryRun") ?? false, dryRunModifiers: [])
            request.dryRunModifiers = try input.enumerations("DryRunModifiers", KMSDryRunModifier.self) ?? []
            requireCiphertext(ciphertext, dryRun: request.dryRun, modifiers: request.dryRunModifiers, &input)
            requireKeyWithoutCiphertext(request.keyId, member: "KeyId", dryRun: request.dryRun, modifiers: request.dryRunModifiers, &input)
            return .decrypt(request)
        case .reEncrypt:
            let ciphertext = try input.blob("CiphertextBlob", ciphertextLength)
            var request = KMSRequest.ReEncrypt(
                ciphertextBlob: ciphertext, sourceEncryptionContext: try input.stringMap("SourceEncryptionContext") ?? [:],
                sourceKeyId: try input.string("SourceKeyId", .keyId), destinationKeyId: try input.requiredString("DestinationKeyId", .keyId),
                destinationEncryptionContext: try input.stringMap("DestinationEncryptionContext") ?? [:],
                sourceEncryptionAlgorithm: try input.enumeration("SourceEncryptionAlgorithm", KMSEncryptionAlgorithm.self),
                destinationEncryptionAlgorithm: try input.enumeration("DestinationEncryptionAlgorithm", KMSEncryptionAlgorithm.self),
                grantTokens: try input.grantTokens(), dryRun: try input.bool("DryRun") ?? false, dryRunModifiers: [])
            request.dryRunModifiers = try input.enumerations("DryRunModifiers", KMSDryRunModifier.self) ?? []
            requireCiphertext(ciphertext, dryRun: request.dryRun, modifiers: request.dryRunModifiers, &input)
            requireKeyWithoutCiphertext(
                request.sourceKeyId, member: "SourceKeyId", dryRun: request.dryRun, modifiers: request.dryRunModifiers, &input)
            return .reEncrypt(request)
        case .generateDataKey, .generateDataKeyWithoutPlaintext:
            let keyId = try input.requiredString("KeyId", .keyId)
            let context = try input.stringMap("EncryptionContext") ?? [:]
            let numberOfBytes = try input.integer("NumberOfBytes", 1...1024)
            let keySpec = try input.enumeration("KeySpec", KMSDataKeySpec.self)
            let grantTokens = try input.grantTokens()
            let recipient = action == .generateDataKey ? try recipient(&input) : nil
            let dryRun = try input.bool("DryRun") ?? false
            try input.finish()
            let length: KMSRequest.DataKeyLength
            switch (numberOfBytes, keySpec) {
            case (let count?, nil): length = .numberOfBytes(count)
            case (nil, let spec?): length = .keySpec(spec)
            default: throw .validationMessage("Please specify either number of bytes or key spec.")
            }
            let request = KMSRequest.GenerateDataKey(
                keyId: keyId, encryptionContext: context, length: length, grantTokens: grantTokens, recipient: recipient,
                dryRun: dryRun)
            return action == .generateDataKey ? .generateDataKey(request) : .generateDataKeyWithoutPlaintext(request)
        case .generateRandom:
            // The model leaves NumberOfBytes optional but documents it as required.
            let count = try input.integer("NumberOfBytes", 1...1024)
            if count == nil { input.missing("NumberOfBytes") }
            return .generateRandom(
                KMSRequest.GenerateRandom(
                    numberOfBytes: count, customKeyStoreId: try input.string("CustomKeyStoreId", .customKeyStoreId),
                    recipient: try recipient(&input)))
        case .generateMac:
            return .generateMac(
                KMSRequest.GenerateMac(
                    message: try input.blob("Message", plaintextLength, sensitive: true, required: true) ?? [],
                    keyId: try input.requiredString("KeyId", .keyId),
                    macAlgorithm: try input.enumeration("MacAlgorithm", KMSMacAlgorithm.self, required: true) ?? .hmacSHA256,
                    grantTokens: try input.grantTokens(), dryRun: try input.bool("DryRun") ?? false))
        default:
            return .verifyMac(
                KMSRequest.VerifyMac(
                    message: try input.blob("Message", plaintextLength, sensitive: true, required: true) ?? [],
                    keyId: try input.requiredString("KeyId", .keyId),
                    macAlgorithm: try input.enumeration("MacAlgorithm", KMSMacAlgorithm.self, required: true) ?? .hmacSHA256,
                    mac: try input.blob("Mac", ciphertextLength, required: true) ?? [], grantTokens: try input.grantTokens(),
                    dryRun: try input.bool("DryRun") ?? false))
        }
    }

    /// The model no longer marks `CiphertextBlob` required (a DryRun with `IGNORE_CIPHERTEXT` needs none); every
    /// other call without it is the null violation KMS reports.
    private static func requireCiphertext(
        _ ciphertext: [UInt8]?, dryRun: Bool, modifiers: [KMSDryRunModifier], _ input: inout KMSInput
    ) {
        if ciphertext == nil, !(dryRun && modifiers.contains(.ignoreCiphertext)) { input.missing("CiphertextBlob") }
    }

    /// A DryRun that ignores the ciphertext has no blob to name the key, so the model requires
    /// the key (`member`) then.
    private static func requireKeyWithoutCiphertext(
        _ keyId: String?, member: String, dryRun: Bool, modifiers: [KMSDryRunModifier], _ input: inout KMSInput
    ) {
        if keyId == nil, dryRun, modifiers.contains(.ignoreCiphertext) { input.missing(member) }
    }

    private static func recipient(_ input: inout KMSInput) throws(KMSError) -> KMSRecipientInfo? {
        try input.structure("Recipient") { (nested: inout KMSInput) throws(KMSError) in
            KMSRecipientInfo(
                keyEncryptionAlgorithm: try nested.enumeration("KeyEncryptionAlgorithm", KMSKeyEncryptionMechanism.self),
                attestationDocument: try nested.blob("AttestationDocument", 1...262_144))
        }
    }
}
