import Foundation
import IdentityWire
import Principals

/// GetUser and ListUsers: the users of `policies/` as IAM describes them (read-only; users are
/// defined in `policies/principals.json`).
struct IAMUsers: Sendable {
    let catalog: PrincipalCatalog
    let dates: PrincipalDates

    /// The resource `request` is authorized against: the user's ARN and tags for GetUser, `*`
    /// for ListUsers.
    func resource(of request: UserRequest, caller: Principal) throws(IdentityError) -> (arn: String, tags: [String: String]) {
        switch request {
        case .get(let userName): catalog.userResource(named: try PrincipalCatalog.userName(userName, caller: caller))
        case .list: ("*", [:])
        }
    }

    /// Answers `request` for `caller`.
    func execute(_ request: UserRequest, caller: Principal) throws(IdentityError) -> UserResult {
        let created = ISO8601DateFormatter().string(from: dates.userCreation())
        switch request {
        case .get(let userName):
            return .user(description(try catalog.existingUser(named: try PrincipalCatalog.userName(userName, caller: caller)), created))
        case .list(let pathPrefix, let marker, let maxItems):
            let users = catalog.principals.values.filter { $0.kind == .user }.map { description($0, created) }
                .filter { $0.path.hasPrefix(pathPrefix ?? "/") }.sorted { $0.userName < $1.userName }
            let page = try IAMPage.of(
                users, key: \.userName, scope: "users\u{0}\(pathPrefix ?? "/")", marker: marker, maxItems: maxItems)
            return .listed(page.items, nextMarker: page.nextMarker)
        }
    }

    private func description(_ user: Principal, _ created: String) -> UserDescription {
        // The ARN's resource is `user` + path + name.
        let resource = user.principalArn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).last ?? ""
        let path = String(resource.dropFirst("user".count).dropLast(user.name.count))
        return UserDescription(
            path: path.isEmpty ? "/" : path, userName: user.name, userId: user.userId, arn: user.principalArn, createDate: created,
            tags: user.tags.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}
