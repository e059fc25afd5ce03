/// Encoder output for `ResultFixtures`, checked outside these tests against botocore 1.43 / aws-cli 1.45:
/// `botocore.parsers.QueryParser` reads `simulationXML` back to the fixture's values, and
/// `aws iam simulate-custom-policy` served `simulationXML` (then an empty last page for its `Marker`) prints
/// `simulationJSON` byte for byte. The JSON literals leave out awscli's final newline.
enum ExpectedOutput {
    /// `IdentityResponseEncoder.encode(ResultFixtures.simulation, operation: .custom, requestId: "req-1")`.
    static let simulationXML =
        #"<?xml version="1.0"?><SimulateCustomPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulateCustomPolicyResult><EvaluationResults><member><EvalActionName>sqs:SendMessage</EvalActionName><EvalResourceName>arn:aws:sqs:us-east-1:000000000000:orders</EvalResourceName><EvalDecision>allowed</EvalDecision><MatchedStatements><member><SourcePolicyId>PolicyInputList.1</SourcePolicyId><SourcePolicyType>IAM Policy</SourcePolicyType><StartPosition><Line>1</Line><Column>38</Column></StartPosition><EndPosition><Line>1</Line><Column>121</Column></EndPosition></member></MatchedStatements><MissingContextValues></MissingContextValues><PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>true</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail><ResourceSpecificResults><member><EvalResourceName>arn:aws:sqs:us-east-1:000000000000:orders</EvalResourceName><EvalResourceDecision>allowed</EvalResourceDecision><MatchedStatements><member><SourcePolicyId>PolicyInputList.1</SourcePolicyId><SourcePolicyType>IAM Policy</SourcePolicyType><StartPosition><Line>1</Line><Column>38</Column></StartPosition><EndPosition><Line>1</Line><Column>121</Column></EndPosition></member></MatchedStatements><MissingContextValues></MissingContextValues><EvalDecisionDetails><entry><key>IAM Policy</key><value>allowed</value></entry></EvalDecisionDetails><PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>true</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail></member></ResourceSpecificResults></member><member><EvalActionName>sqs:DeleteQueue</EvalActionName><EvalResourceName>*</EvalResourceName><EvalDecision>implicitDeny</EvalDecision><MatchedStatements></MatchedStatements><MissingContextValues><member>aws:SourceIp</member><member>aws:CurrentTime</member></MissingContextValues><OrganizationsDecisionDetail><AllowedByOrganizations>true</AllowedByOrganizations></OrganizationsDecisionDetail><EvalDecisionDetails><entry><key>IAM Policy</key><value>implicitDeny</value></entry><entry><key>arn:aws:sqs:us-east-1:000000000000:orders</key><value>explicitDeny</value></entry></EvalDecisionDetails></member></EvaluationResults><IsTruncated>true</IsTruncated><Marker>page-2</Marker></SimulateCustomPolicyResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></SimulateCustomPolicyResponse>"#

    /// awscli's `json` output for the same answer, which `AWSCLIOutput.simulation` reproduces.
    static let simulationJSON = #"""
        {
            "EvaluationResults": [
                {
                    "EvalActionName": "sqs:SendMessage",
                    "EvalResourceName": "arn:aws:sqs:us-east-1:000000000000:orders",
                    "EvalDecision": "allowed",
                    "MatchedStatements": [
                        {
                            "SourcePolicyId": "PolicyInputList.1",
                            "SourcePolicyType": "IAM Policy",
                            "StartPosition": {
                                "Line": 1,
                                "Column": 38
                            },
                            "EndPosition": {
                                "Line": 1,
                                "Column": 121
                            }
                        }
                    ],
                    "MissingContextValues": [],
                    "PermissionsBoundaryDecisionDetail": {
                        "AllowedByPermissionsBoundary": true
                    },
                    "ResourceSpecificResults": [
                        {
                            "EvalResourceName": "arn:aws:sqs:us-east-1:000000000000:orders",
                            "EvalResourceDecision": "allowed",
                            "MatchedStatements": [
                                {
                                    "SourcePolicyId": "PolicyInputList.1",
                                    "SourcePolicyType": "IAM Policy",
                                    "StartPosition": {
                                        "Line": 1,
                                        "Column": 38
                                    },
                                    "EndPosition": {
                                        "Line": 1,
                                        "Column": 121
                                    }
                                }
                            ],
                            "MissingContextValues": [],
                            "EvalDecisionDetails": {
                                "IAM Policy": "allowed"
                            },
                            "PermissionsBoundaryDecisionDetail": {
                                "AllowedByPermissionsBoundary": true
                            }
                        }
                    ]
                },
                {
                    "EvalActionName": "sqs:DeleteQueue",
                    "EvalResourceName": "*",
                    "EvalDecision": "implicitDeny",
                    "MatchedStatements": [],
                    "MissingContextValues": [
                        "aws:SourceIp",
                        "aws:CurrentTime"
                    ],
                    "OrganizationsDecisionDetail": {
                        "AllowedByOrganizations": true
                    },
                    "EvalDecisionDetails": {
                        "IAM Policy": "implicitDeny",
                        "arn:aws:sqs:us-east-1:000000000000:orders": "explicitDeny"
                    }
                }
            ]
        }
        """#

    /// The same with `ResultFixtures.explanation` attached.
    static let explainedJSON = #"""
        {
            "EvaluationResults": [
                {
                    "EvalActionName": "sqs:SendMessage",
                    "EvalResourceName": "arn:aws:sqs:us-east-1:000000000000:orders",
                    "EvalDecision": "allowed",
                    "MatchedStatements": [
                        {
                            "SourcePolicyId": "PolicyInputList.1",
                            "SourcePolicyType": "IAM Policy",
                            "StartPosition": {
                                "Line": 1,
                                "Column": 38
                            },
                            "EndPosition": {
                                "Line": 1,
                                "Column": 121
                            }
                        }
                    ],
                    "MissingContextValues": [],
                    "PermissionsBoundaryDecisionDetail": {
                        "AllowedByPermissionsBoundary": true
                    },
                    "ResourceSpecificResults": [
                        {
                            "EvalResourceName": "arn:aws:sqs:us-east-1:000000000000:orders",
                            "EvalResourceDecision": "allowed",
                            "MatchedStatements": [
                                {
                                    "SourcePolicyId": "PolicyInputList.1",
                                    "SourcePolicyType": "IAM Policy",
                                    "StartPosition": {
                                        "Line": 1,
                                        "Column": 38
                                    },
                                    "EndPosition": {
                                        "Line": 1,
                                        "Column": 121
                                    }
                                }
                            ],
                            "MissingContextValues": [],
                            "EvalDecisionDetails": {
                                "IAM Policy": "allowed"
                            },
                            "PermissionsBoundaryDecisionDetail": {
                                "AllowedByPermissionsBoundary": true
                            }
                        }
                    ]
                },
                {
                    "EvalActionName": "sqs:DeleteQueue",
                    "EvalResourceName": "*",
                    "EvalDecision": "implicitDeny",
                    "MatchedStatements": [],
                    "MissingContextValues": [
                        "aws:SourceIp",
                        "aws:CurrentTime"
                    ],
                    "OrganizationsDecisionDetail": {
                        "AllowedByOrganizations": true
                    },
                    "EvalDecisionDetails": {
                        "IAM Policy": "implicitDeny",
                        "arn:aws:sqs:us-east-1:000000000000:orders": "explicitDeny"
                    }
                }
            ],
            "Explanation": [
                {
                    "EvalActionName": "sqs:SendMessage",
                    "EvalResourceName": "arn:aws:sqs:us-east-1:000000000000:orders",
                    "Statements": [
                        {
                            "SourcePolicyId": "PolicyInputList.1",
                            "Sid": "SendFromOffice",
                            "Effect": "Allow",
                            "Matched": true,
                            "Reason": "Action, Resource and every condition match",
                            "Conditions": [
                                {
                                    "Operator": "IpAddress",
                                    "Key": "aws:SourceIp",
                                    "RequestValues": [
                                        "10.1.2.3"
                                    ],
                                    "PolicyValues": [
                                        "10.0.0.0/8"
                                    ],
                                    "Result": true
                                }
                            ]
                        }
                    ]
                },
                {
                    "EvalActionName": "sqs:DeleteQueue",
                    "EvalResourceName": "*",
                    "Statements": [
                        {
                            "SourcePolicyId": "PolicyInputList.1",
                            "Effect": "Deny",
                            "Matched": false,
                            "Reason": "Condition \"aws:CurrentTime\" is absent",
                            "Conditions": [
                                {
                                    "Operator": "DateGreaterThan",
                                    "Key": "aws:CurrentTime",
                                    "PolicyValues": [
                                        "2030-01-01T00:00:00Z"
                                    ],
                                    "Result": false
                                }
                            ]
                        }
                    ]
                }
            ]
        }
        """#
}
