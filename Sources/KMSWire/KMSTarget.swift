/// Routing by the `X-Amz-Target` header: `TrentService.<Action>`.
public enum KMSTarget {
    /// The target prefix of every KMS operation.
    public static let prefix = "TrentService."

    /// True when `target` is addressed to KMS (starts with `TrentService.`), whatever the action.
    public static func isKMS(_ target: String?) -> Bool {
        target?.hasPrefix(prefix) ?? false
    }

    /// The action `target` names; `UnknownOperationException` for a missing header, another service's prefix or
    /// an action this key service does not have. Matching is exact (KMS is case-sensitive here).
    public static func action(from target: String?) throws(KMSError) -> KMSAction {
        guard let target, target.hasPrefix(prefix),
            let action = KMSAction(rawValue: String(target.dropFirst(prefix.count)))
        else { throw .unknownOperation(target) }
        return action
    }

    /// The header value that names `action`.
    public static func header(for action: KMSAction) -> String { prefix + action.rawValue }
}
