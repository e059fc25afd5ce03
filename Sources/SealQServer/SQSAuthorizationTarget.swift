import QueueEngine
import SQSWire

/// What an SQS call asks to do, for the authorize stage: the IAM action, the queue's ARN, its
/// Policy attribute and tags, and the tags the call itself sets or removes.
struct SQSAuthorizationTarget: Sendable {
    let engine: QueueEngine

    /// The target of `request`, decoded as `action`.
    func target(of request: SQSRequest, action: SQSAction) -> Authorizer.Target {
        var target = Authorizer.Target(action: action.iamAction, resource: "*")
        let queueName: String?
        switch request {
        case .cancelMessageMoveTask(let handle):
            queueName = engine.moveTaskSourceArn(handle: handle).flatMap { $0.split(separator: ":").last.map(String.init) }
        default:
            queueName = request.queueName
        }
        if let queueName {
            target.resource = engine.queueArn(queueName)
            if let queue = try? engine.getQueue(name: queueName) {
                target.resourcePolicy = queue.settings.policy
                target.resourceTags = queue.tags
                target.revision = Authorizer.Revision(id: queue.id, version: queue.version)
            } else {
                target.revision = .absent
            }
        } else {
            target.revision = .noResource
        }
        switch request {
        case .createQueue(_, _, let tags), .tagQueue(_, let tags):
            target.requestTags = tags
            target.tagKeys = tags.keys.sorted()
        case .untagQueue(_, let keys):
            target.tagKeys = keys
        default:
            break
        }
        return target
    }
}
