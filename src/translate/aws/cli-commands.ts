/**
 * The aws CLI v1's command table: every `aws <command>` it accepts, in its own order (the order its
 * "Invalid choice" message lists them), and per service what the SDK side needs to know.
 *
 * One line per command: `name [=sdk] [+cli-only,…] [-refused,…] [@]`
 * - `*`: a CLI program, not a service (`s3`, `configure`, `history`, the preview `sdb`);
 * - `=sdk`: the `@aws-sdk/client-<sdk>` suffix when it is not the command name (botocore's serviceId,
 *   lower case, spaces as hyphens, which is how the SDK names its packages);
 * - `+`: subcommands the CLI implements itself (`wait`, `eks update-kubeconfig`, `emr create-cluster`…);
 * - `-`: model operations the CLI removes (event streams and the like): it refuses them as invalid choices;
 * - `@`: a global service, which botocore calls without a region (signing in us-east-1).
 *
 * Generated from the installed aws CLI by test/translate/aws/cli-commands.test.ts, which also checks it
 * (`UPDATE=1 npx vitest run test/translate/aws/cli-commands.test.ts` rewrites it). Not read from botocore
 * at run time: users need not have the aws CLI.
 */

export interface CliCommand {
  name: string;
  /** A service command; false for the CLI's own programs (`s3`, `configure`…). */
  service: boolean;
  /** `@aws-sdk/client-<sdk>`. */
  sdk: string;
  cliOnly: ReadonlySet<string>;
  refused: ReadonlySet<string>;
  global: boolean;
}

/** awscli 1.45.11 / botocore 1.43.11. */
export const CLI_VERSION = 'aws-cli/1.45.11';

const TABLE = `
accessanalyzer
account @
acm +wait
acm-pca +wait
aiops
amp +wait
amplify
amplifybackend
amplifyuibuilder
apigateway =api-gateway
apigatewaymanagementapi
apigatewayv2
appconfig +wait
appconfigdata
appfabric
appflow
appintegrations
application-autoscaling =application-auto-scaling
application-insights
application-signals
applicationcostprofiler
appmesh =app-mesh
apprunner
appstream +wait
appsync
arc-region-switch +wait
arc-zonal-shift
artifact
athena
auditmanager
autoscaling =auto-scaling
autoscaling-plans =auto-scaling-plans
b2bi +wait
backup
backup-gateway
backupsearch
batch
bcm-dashboards
bcm-data-exports
bcm-pricing-calculator
bcm-recommended-actions
bedrock
bedrock-agent
bedrock-agent-runtime -invoke-agent,invoke-flow,invoke-inline-agent,optimize-prompt,retrieve-and-generate-stream
bedrock-agentcore -invoke-agent-runtime-command,invoke-code-interpreter,invoke-harness
bedrock-agentcore-control +wait
bedrock-data-automation
bedrock-data-automation-runtime
bedrock-runtime -converse-stream,invoke-model-with-bidirectional-stream,invoke-model-with-response-stream
billing
billingconductor @
braket
budgets @
ce =cost-explorer @
chatbot
chime @
chime-sdk-identity
chime-sdk-media-pipelines
chime-sdk-meetings
chime-sdk-messaging
chime-sdk-voice
cleanrooms
cleanroomsml
cloud9
cloudcontrol +wait
clouddirectory
cloudformation +package,deploy,wait
cloudfront +sign,wait @
cloudfront-keyvaluestore
cloudhsm
cloudhsmv2 =cloudhsm-v2
cloudsearch
cloudsearchdomain =cloudsearch-domain
cloudtrail +create-subscription,update-subscription,validate-logs
cloudtrail-data
cloudwatch +wait
codeartifact +login
codebuild
codecatalyst @
codecommit +credential-helper
codeconnections
codeguru-reviewer +wait
codeguru-security
codeguruprofiler
codepipeline
codestar-connections
codestar-notifications
cognito-identity
cognito-idp =cognito-identity-provider
cognito-sync
comprehend
comprehendmedical
compute-optimizer
compute-optimizer-automation
connect
connect-contact-lens
connectcampaigns
connectcampaignsv2
connectcases
connecthealth -start-medical-scribe-listening-session
connectparticipant
controlcatalog
controltower
cost-optimization-hub
cur =cost-and-usage-report-service
customer-profiles
databrew
dataexchange
datapipeline =data-pipeline +list-runs,create-default-roles
datasync
datazone
dax
deadline +wait
detective
devicefarm =device-farm
devops-agent -send-message
devops-guru
directconnect =direct-connect
discovery =application-discovery-service
dlm +create-default-role
dms =database-migration-service +wait
docdb +wait
docdb-elastic
drs
ds =directory-service +wait
ds-data =directory-service-data
dsql +wait
dynamodb +wait
dynamodbstreams =dynamodb-streams
ebs
ec2 +wait -import-instance,import-volume
ec2-instance-connect
ecr +get-login,get-login-password,wait
ecr-public +get-login-password
ecs +deploy,wait
efs
eks +update-kubeconfig,get-token,wait
eks-auth
elasticache +wait
elasticbeanstalk =elastic-beanstalk +wait
elb =elastic-load-balancing +wait
elbv2 =elastic-load-balancing-v2 +wait
elementalinference +wait
emr +add-instance-groups,describe-cluster,terminate-clusters,modify-cluster-attributes,install-applications,create-cluster,add-steps,restore-from-hbase-backup,create-hbase-backup,schedule-hbase-backup,disable-hbase-backups,create-default-roles,ssh,socks,get,put,wait -add-job-flow-steps,describe-job-flows,list-bootstrap-actions,list-instance-groups,run-job-flow,set-keep-job-flow-alive-when-no-steps,set-termination-protection,set-unhealthy-node-replacement,set-visible-to-all-users,terminate-job-flows
emr-containers +update-role-trust-policy
emr-serverless
entityresolution
es =elasticsearch-service
events =eventbridge
evs
finspace
finspace-data
firehose
fis
fms
forecast
forecastquery
frauddetector
freetier
fsx
gamelift +upload-build,get-game-session-log
gameliftstreams +wait
geo-maps
geo-places
geo-routes
glacier +wait
globalaccelerator =global-accelerator
glue
grafana
greengrass
greengrassv2
groundstation +wait
guardduty
health @
healthlake +wait
iam +wait @
identitystore
imagebuilder
importexport @
inspector
inspector-scan
inspector2
interconnect +wait
internetmonitor
invoicing
iot
iot-data =iot-data-plane
iot-jobs-data =iot-jobs-data-plane
iot-managed-integrations
iotdeviceadvisor
iotevents =iot-events
iotevents-data =iot-events-data
iotfleetwise
iotsecuretunneling
iotsitewise +wait -invoke-assistant
iotthingsgraph
iottwinmaker
iotwireless =iot-wireless
ivs
ivs-realtime
ivschat
kafka
kafkaconnect
kendra
kendra-ranking
keyspaces
keyspacesstreams
kinesis +wait -subscribe-to-shard
kinesis-video-archived-media
kinesis-video-media
kinesis-video-signaling
kinesis-video-webrtc-storage
kinesisanalytics =kinesis-analytics
kinesisanalyticsv2 =kinesis-analytics-v2
kinesisvideo =kinesis-video
kms
lakeformation
lambda +wait -invoke-with-response-stream
launch-wizard
lex-models =lex-model-building-service
lex-runtime =lex-runtime-service
lexv2-models =lex-models-v2 +wait
lexv2-runtime =lex-runtime-v2 -start-conversation
license-manager
license-manager-linux-subscriptions
license-manager-user-subscriptions
lightsail
location +wait
logs =cloudwatch-logs +start-live-tail -get-log-object
lookoutequipment
m2
machinelearning =machine-learning +wait
macie2 +wait
mailmanager
managedblockchain
managedblockchain-query
marketplace-agreement
marketplace-catalog
marketplace-deployment
marketplace-discovery
marketplace-entitlement =marketplace-entitlement-service
marketplace-reporting
marketplacecommerceanalytics =marketplace-commerce-analytics
mediaconnect +wait
mediaconvert
medialive +wait
mediapackage
mediapackage-vod
mediapackagev2 +wait
mediastore
mediastore-data
mediatailor
medical-imaging
memorydb
meteringmarketplace =marketplace-metering
mgh =migration-hub
mgn
migration-hub-refactor-spaces
migrationhub-config
migrationhuborchestrator
migrationhubstrategy
mpa
mq
mturk
mwaa
mwaa-serverless
neptune +wait
neptune-graph +wait
neptunedata
network-firewall
networkflowmonitor
networkmanager @
networkmonitor
notifications
notificationscontacts @
nova-act
oam
observabilityadmin
odb
omics +wait
opensearch
opensearchserverless
organizations @
osis
outposts
panorama
partnercentral-account
partnercentral-benefits
partnercentral-channel
partnercentral-selling
payment-cryptography
payment-cryptography-data
pca-connector-ad
pca-connector-scep
pcs
personalize
personalize-events
personalize-runtime
pi
pinpoint
pinpoint-email
pinpoint-sms-voice
pinpoint-sms-voice-v2
pipes
polly -start-speech-synthesis-stream
pricing
proton +wait
qapps
qbusiness -chat
qconnect
quicksight
ram
rbin
rds +generate-db-auth-token,wait -modify-option-group
rds-data
redshift +wait
redshift-data
redshift-serverless
rekognition +wait
repostspace +wait
resiliencehub
resource-explorer-2
resource-groups
resourcegroupstaggingapi =resource-groups-tagging-api
rolesanywhere
route53 =route-53 +wait @
route53-recovery-cluster
route53-recovery-control-config +wait
route53-recovery-readiness
route53domains =route-53-domains
route53globalresolver
route53profiles
route53resolver
rtbfabric +wait
rum
s3control =s3-control
s3files
s3outposts
s3tables
s3vectors
sagemaker +wait
sagemaker-a2i-runtime
sagemaker-edge
sagemaker-featurestore-runtime
sagemaker-geospatial
sagemaker-metrics
sagemaker-runtime -invoke-endpoint-with-response-stream
savingsplans @
scheduler
schemas +wait
sdb *
secretsmanager =secrets-manager
security-ir
securityagent
securityhub
securitylake
serverlessrepo =serverlessapplicationrepository
service-quotas
servicecatalog =service-catalog +generate
servicecatalog-appregistry =service-catalog-appregistry
servicediscovery
ses +wait -delete-verified-email-address,list-verified-email-addresses,verify-email-address
sesv2
shield @
signer +wait
signer-data
signin
simpledbv2 +wait
simspaceweaver
sms-voice =pinpoint-sms-voice
snow-device-management
snowball
sns
socialmessaging
sqs
ssm +wait
ssm-contacts
ssm-guiconnect
ssm-incidents +wait
ssm-quicksetup
ssm-sap
sso
sso-admin
sso-oidc
stepfunctions =sfn
storagegateway =storage-gateway
sts @
supplychain
support @
support-app
sustainability
swf
synthetics
taxsettings @
textract
timestream-influxdb
timestream-query
timestream-write
tnb
transcribe +wait
transfer +wait
translate
trustedadvisor
uxc
verifiedpermissions
voice-id
vpc-lattice
waf @
waf-regional
wafv2
wellarchitected
wickr
wisdom
workdocs
workmail
workmailmessageflow
workspaces
workspaces-instances
workspaces-thin-client
workspaces-web
xray
s3api =s3 +wait @
s3 *
configure *
deploy =codedeploy +push,register,deregister,install,uninstall,wait
configservice =config-service +subscribe,get-status
runtime.sagemaker =sagemaker-runtime -invoke-endpoint-with-response-stream
history *
`;

let parsed: ReadonlyMap<string, CliCommand> | undefined;

/** The table, keyed by command name, in the CLI's order. */
export function cliCommands(): ReadonlyMap<string, CliCommand> {
  if (parsed) return parsed;
  const out = new Map<string, CliCommand>();
  for (const line of TABLE.split('\n')) {
    const [name, ...fields] = line.split(' ');
    if (!name) continue;
    const field = (sigil: string) => fields.find((f) => f.startsWith(sigil))?.slice(1);
    const list = (sigil: string) => new Set(field(sigil)?.split(',') ?? []);
    out.set(name, {
      name,
      service: !fields.includes('*'),
      sdk: field('=') ?? name,
      cliOnly: list('+'),
      refused: list('-'),
      global: fields.includes('@'),
    });
  }
  parsed = out;
  return out;
}

/** The table as its text lines (for the test that compares it with the installed CLI). */
export function cliCommandLines(): string[] {
  return TABLE.trim().split('\n');
}
