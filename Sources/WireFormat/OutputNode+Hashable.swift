/// Trees compare and hash by everything either serializer writes (names, order and values), so
/// equal trees are written alike: the audit log keys its record templates on them.
extension OutputNode: Hashable {
    public static func == (lhs: OutputNode, rhs: OutputNode) -> Bool {
        switch (lhs, rhs) {
        case (.text(let a), .text(let b)): return a == b
        case (.structure(let a), .structure(let b)): return membersEqual(a, b)
        case (.list(let nameA, let a), .list(let nameB, let b)): return nameA == nameB && a == b
        case (.map(let entryA, let keyA, let valueA, let a), .map(let entryB, let keyB, let valueB, let b)):
            return entryA == entryB && keyA == keyB && valueA == valueB && membersEqual(a, b)
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .text(let text):
            hasher.combine(0)
            hasher.combine(text)
        case .structure(let members):
            hasher.combine(1)
            Self.combine(members, into: &hasher)
        case .list(let itemName, let items):
            hasher.combine(2)
            hasher.combine(itemName)
            hasher.combine(items)
        case .map(let entryName, let keyName, let valueName, let entries):
            hasher.combine(3)
            hasher.combine(entryName)
            hasher.combine(keyName)
            hasher.combine(valueName)
            Self.combine(entries, into: &hasher)
        case .boolean(let value):
            hasher.combine(4)
            hasher.combine(value)
        case .number(let value):
            hasher.combine(5)
            hasher.combine(value)
        case .null:
            hasher.combine(6)
        }
    }

    private static func membersEqual(_ a: [(String, OutputNode)], _ b: [(String, OutputNode)]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    private static func combine(_ members: [(String, OutputNode)], into hasher: inout Hasher) {
        hasher.combine(members.count)
        for (name, node) in members {
            hasher.combine(name)
            hasher.combine(node)
        }
    }
}
