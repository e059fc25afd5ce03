/// Routing by the `X-Amz-Target` header: `TrentService.<Action>`.
public enum KMSTarget {
    /// The target prefix of every KMS operation.
    public static let prefix = "TrentService."

    /// True when `target` is addressed to KMS (starts with `TrentService.`), whatever the action.
    public static func isKMS(_ target: String?) -> Bool {
        target?.hasPrefix(prefix) ?? false
    }

    /// The action `target` names; `UnsupportedOperationException` for an AWS KMS operation of a
    /// feature this key service does not offer, `UnknownOperationException` for a missing
    /// header, another service's prefix or any other name. Matching is exact (KMS is
    /// case-sensitive here).
    public static func action(from target: String?) throws(KMSError) -> KMSAction {
        guard let target, target.hasPrefix(prefix) else { throw .unknownOperation(target) }
        let name = String(target.dropFirst(prefix.count))
        if let action = KMSAction(rawValue: name) { return action }
        if let feature = unsupportedOperations[name] {
            throw .unsupportedOperation("\(name) is not supported: this key service has no \(feature).")
        }
        throw .unknownOperation(target)
    }

    /// The AWS KMS operation `target` names, offered here or not (for the audit record of a
    /// call that could not be decoded); nil for any other name.
    public static func operationName(of target: String?) -> String? {
        guard let target, target.hasPrefix(prefix) else { return nil }
        let name = String(target.dropFirst(prefix.count))
        return KMSAction(rawValue: name) != nil || unsupportedOperations[name] != nil ? name : nil
    }

    /// AWS KMS operations of features this key service does not offer, and the feature.
    private static let unsupportedOperations: [String: String] = [
        "Sign": "asymmetric keys", "Verify": "asymmetric keys", "GetPublicKey": "asymmetric keys",
        "GenerateDataKeyPair": "asymmetric keys", "GenerateDataKeyPairWithoutPlaintext": "asymmetric keys",
        "DeriveSharedSecret": "asymmetric keys",
        "CreateCustomKeyStore": "custom key stores", "ConnectCustomKeyStore": "custom key stores",
        "DeleteCustomKeyStore": "custom key stores", "DescribeCustomKeyStores": "custom key stores",
        "DisconnectCustomKeyStore": "custom key stores", "UpdateCustomKeyStore": "custom key stores",
        "GetParametersForImport": "imported key material", "ImportKeyMaterial": "imported key material",
        "DeleteImportedKeyMaterial": "imported key material",
        "ReplicateKey": "multi-Region keys", "UpdatePrimaryRegion": "multi-Region keys",
        "GetKeyLastUsage": "key last-usage tracking (the audit log records every key use: sealq audit key-usage)",
    ]

    /// The header value that names `action`.
    public static func header(for action: KMSAction) -> String { prefix + action.rawValue }
}
