/// IAM's reads of the users of `policies/`: `GetUser` and `ListUsers`.
public enum UserRequest: Sendable, Equatable {
    /// `GetUser`: one user, the caller when `userName` is nil.
    case get(userName: String?)
    /// `ListUsers`: the users whose path starts with `pathPrefix` (`/` when nil), a page at a time.
    case list(pathPrefix: String?, marker: String?, maxItems: Int?)

    /// The Query `Action` name, which is also the IAM action (`iam:<name>`).
    public var actionName: String {
        switch self {
        case .get: "GetUser"
        case .list: "ListUsers"
        }
    }
}

/// A user as IAM's answers describe it (`User`).
public struct UserDescription: Sendable, Equatable {
    /// The user's path (`/`, or `/division/`).
    public var path: String
    /// The user's name.
    public var userName: String
    /// The user's unique id (`AIDA…`).
    public var userId: String
    /// The user's ARN.
    public var arn: String
    /// When the user was made, ISO 8601 in UTC.
    public var createDate: String
    /// The user's tags, in key order (GetUser shows them; ListUsers does not, as on IAM).
    public var tags: [(key: String, value: String)]

    /// Describes a user.
    public init(path: String, userName: String, userId: String, arn: String, createDate: String, tags: [(key: String, value: String)]) {
        self.path = path
        self.userName = userName
        self.userId = userId
        self.arn = arn
        self.createDate = createDate
        self.tags = tags
    }

    public static func == (lhs: UserDescription, rhs: UserDescription) -> Bool {
        (lhs.path, lhs.userName, lhs.userId, lhs.arn, lhs.createDate) == (rhs.path, rhs.userName, rhs.userId, rhs.arn, rhs.createDate)
            && lhs.tags.elementsEqual(rhs.tags) { $0 == $1 }
    }
}

/// What a user read answers.
public enum UserResult: Sendable, Equatable {
    /// `GetUser`: the user, with its tags.
    case user(UserDescription)
    /// `ListUsers`: one page of users, and the marker of the next when there is one.
    case listed([UserDescription], nextMarker: String?)
}
