#include "api/iam/managed_policies.hpp"

#include <ctime>

namespace ecslocal::api::iam {
namespace {

struct Entry {
  const char* name;
  const char* path;
  const char* description;
  int year, month, day;  // creation date
  const char* statements;
};

// Policy documents written for ecslocal: plausible and valid, not AWS's text.
const Entry kEntries[] = {
    {"AdministratorAccess", "/", "Full access to every AWS service and resource.", 2015, 2, 6,
     R"({"Effect":"Allow","Action":"*","Resource":"*"})"},
    {"AmazonEC2ContainerServiceRole", "/service-role/",
     "Lets the ECS service register container instances with load balancers.", 2015, 4, 9,
     R"({"Effect":"Allow","Action":["ec2:AuthorizeSecurityGroupIngress","ec2:Describe*","elasticloadbalancing:Describe*",)"
     R"("elasticloadbalancing:RegisterTargets","elasticloadbalancing:DeregisterTargets",)"
     R"("elasticloadbalancing:RegisterInstancesWithLoadBalancer","elasticloadbalancing:DeregisterInstancesFromLoadBalancer"],"Resource":"*"})"},
    {"AmazonEC2ContainerServiceforEC2Role", "/service-role/",
     "What the ECS container agent on an EC2 container instance needs.", 2015, 3, 19,
     R"({"Effect":"Allow","Action":["ecs:CreateCluster","ecs:DeregisterContainerInstance","ecs:DiscoverPollEndpoint",)"
     R"("ecs:Poll","ecs:RegisterContainerInstance","ecs:StartTelemetrySession","ecs:Submit*","ecr:GetAuthorizationToken",)"
     R"("ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer","ecr:BatchGetImage","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"})"},
    {"AmazonECSInfrastructureRolePolicyForVolumes", "/service-role/",
     "Lets ECS manage the EBS volumes attached to tasks.", 2024, 1, 11,
     R"({"Effect":"Allow","Action":["ec2:CreateVolume","ec2:AttachVolume","ec2:DetachVolume","ec2:DeleteVolume",)"
     R"("ec2:DescribeVolumes","ec2:DescribeInstances","ec2:CreateTags"],"Resource":"*"})"},
    {"AmazonECSTaskExecutionRolePolicy", "/service-role/",
     "What the ECS agent needs to pull task images and send container logs.", 2017, 11, 16,
     R"({"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability",)"
     R"("ecr:GetDownloadUrlForLayer","ecr:BatchGetImage","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"})"},
    {"AmazonECS_FullAccess", "/", "Full access to Amazon ECS and the resources it works with.", 2020, 5, 21,
     R"({"Effect":"Allow","Action":["ecs:*","application-autoscaling:*","cloudwatch:*","ec2:Describe*",)"
     R"("elasticloadbalancing:*","logs:*","iam:ListRoles","iam:ListAttachedRolePolicies","iam:PassRole"],"Resource":"*"})"},
    {"AmazonS3ReadOnlyAccess", "/", "Read-only access to every S3 bucket.", 2015, 2, 6,
     R"({"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*"],"Resource":"*"})"},
    {"AmazonSSMReadOnlyAccess", "/", "Read-only access to Systems Manager.", 2015, 5, 29,
     R"({"Effect":"Allow","Action":["ssm:Describe*","ssm:Get*","ssm:List*"],"Resource":"*"})"},
    {"CloudWatchLogsFullAccess", "/", "Full access to CloudWatch Logs.", 2015, 2, 6,
     R"({"Effect":"Allow","Action":["logs:*"],"Resource":"*"})"},
    {"SecretsManagerReadWrite", "/", "Read and write access to Secrets Manager.", 2018, 4, 4,
     R"({"Effect":"Allow","Action":["secretsmanager:*","kms:DescribeKey","kms:ListAliases","tag:GetResources"],"Resource":"*"})"},
};

Clock::time_point date(int y, int m, int d) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  return Clock::from_time_t(timegm(&tm));
}

// A stable id per policy name (FNV-1a over the name, spelled in IAM's id alphabet).
std::string stable_id(const std::string& name) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  std::string id = "ANPA";
  for (int i = 0; i < 17; ++i) {
    id.push_back(kAlphabet[h % 32]);
    h = h / 32 ^ (h * 2654435761ull);
  }
  return id;
}

std::vector<ManagedPolicy> build() {
  std::vector<ManagedPolicy> out;
  for (const auto& e : kEntries) {
    ManagedPolicy p;
    p.name = e.name;
    p.path = e.path;
    p.arn = std::string("arn:aws:iam::aws:policy") + e.path + e.name;
    p.id = stable_id(p.name);
    p.description = e.description;
    p.document = std::string(R"({"Version":"2012-10-17","Statement":[)") + e.statements + "]}";
    p.created = p.updated = date(e.year, e.month, e.day);
    p.aws_managed = true;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

const std::vector<ManagedPolicy>& aws_managed_policies() {
  static const std::vector<ManagedPolicy> policies = build();
  return policies;
}

const ManagedPolicy* find_aws_managed_policy(const std::string& arn) {
  for (const auto& p : aws_managed_policies())
    if (p.arn == arn) return &p;
  return nullptr;
}

}  // namespace ecslocal::api::iam
