/// A key's state, with AWS KMS's names.
public enum KeyState: String, Sendable, Codable {
    case enabled = "Enabled"
    case disabled = "Disabled"
    case pendingDeletion = "PendingDeletion"
}

/// What a caller asks of a key, grouped as AWS's key-state table treats operations.
enum KeyOperationKind {
    /// Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, GenerateMac, VerifyMac: need Enabled.
    case cryptographic
    /// EnableKeyRotation, DisableKeyRotation, RotateKeyOnDemand: need Enabled.
    case rotation
    /// Tagging, aliases, grants: refused while pending deletion.
    case management
    /// Describe, list, get policy, get rotation status: work in every state.
    case readOnly
}

extension KeyState {
    /// Throws the error AWS answers `kind` with in this state, for the key `arn`.
    func check(_ kind: KeyOperationKind, arn: String) throws(KeyServiceError) {
        switch (self, kind) {
        case (.enabled, _), (_, .readOnly): return
        case (.disabled, .cryptographic), (.disabled, .rotation): throw .disabled(arn)
        case (.disabled, .management): return
        case (.pendingDeletion, _): throw .pendingDeletion(arn)
        }
    }
}
