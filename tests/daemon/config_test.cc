#include "daemon/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>

#include <map>
#include <memory>
#include <sstream>

#include "tests/support/process.h"

namespace sfwarden::daemon {
namespace {
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kClientId[] = "3MVG9-client-id-value";
constexpr char kClientSecret[] = "TopSecretClientSecret-77";
constexpr char kSlackUrl[] = "https://hooks.slack.com/services/T000/B000/SlackSecretToken";
constexpr char kWebhookSecret[] = "WebhookSigningSecret-42";

std::string Pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<std::size_t>(size));
  EVP_PKEY_free(key);
  return pem;
}

// One RSA key for the whole suite: generating it takes tens of milliseconds.
const std::string& RsaKeyPem() {
  static const std::string pem = Pem(EVP_RSA_gen(2048));
  return pem;
}

// The first 9 lines of most test configs: one valid org with one user. Tests append
// from line 10 on, so positions in assertions are easy to read off.
constexpr char kBase[] = R"(orgs:
  - name: prod
    login_url: https://acme.my.salesforce.com
    auth:
      client_id_file: ${CREDENTIALS_DIRECTORY}/client-id
      username: monitor@acme.com
      private_key_file: ${CREDENTIALS_DIRECTORY}/sf.key
    integration_users:
      - username: hubspot@acme.com
)";

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    creds_ = dir_.path() / "creds";
    fs::create_directory(creds_);
    fs::permissions(creds_, fs::perms::owner_all, fs::perm_options::replace);
    env_["CREDENTIALS_DIRECTORY"] = creds_.string();
    WriteCredential("client-id", std::string(kClientId) + "\n");
    WriteCredential("client-secret", std::string(kClientSecret) + "\r\n");
    WriteCredential("sf.key", RsaKeyPem());
    WriteCredential("slack-url", std::string(kSlackUrl) + "\n");
    WriteCredential("webhook-secret", kWebhookSecret);
    // Names used by the examples.
    WriteCredential("sf_client_id", std::string(kClientId) + "\n");
    WriteCredential("sf_private_key", RsaKeyPem());
    WriteCredential("prod-client-id", std::string(kClientId) + "\n");
    WriteCredential("prod.key", RsaKeyPem());
    WriteCredential("uat-client-secret", std::string(kClientSecret) + "\n");
  }

  fs::path WriteCredential(const std::string& name, const std::string& content,
                           unsigned mode = 0600) {
    return dir_.Write("creds/" + name, content, mode);
  }

  LoadOptions Options() const {
    LoadOptions options;
    options.getenv = [env = env_](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    return options;
  }

  Config Load(const std::string& yaml) {
    return LoadConfig(dir_.Write("sfwarden.yml", yaml), Options());
  }

  // Loads `yaml`, which must fail, and returns every diagnostic.
  std::vector<ConfigDiagnostic> Diagnostics(const std::string& yaml) {
    try {
      Load(yaml);
    } catch (const ConfigError& e) {
      last_what_ = e.what();
      return e.diagnostics();
    }
    ADD_FAILURE() << "config loaded without errors:\n" << yaml;
    return {};
  }

  // Loads `yaml`, which must fail with exactly one diagnostic, and returns it.
  ConfigDiagnostic OnlyError(const std::string& yaml) {
    auto diagnostics = Diagnostics(yaml);
    EXPECT_EQ(diagnostics.size(), 1u) << last_what_;
    return diagnostics.empty() ? ConfigDiagnostic{} : diagnostics.front();
  }

  std::string ConfigPath() const { return (dir_.path() / "sfwarden.yml").string(); }

  testing::TempDir dir_;
  fs::path creds_;
  std::map<std::string, std::string> env_;
  std::string last_what_;
};

// --- loading what is valid --------------------------------------------------------------

TEST_F(ConfigTest, MinimalOrgGetsDefaults) {
  const Config config = Load(kBase);
  ASSERT_EQ(config.orgs.size(), 1u);
  const OrgConfig& org = config.orgs[0];
  EXPECT_EQ(org.name, "prod");
  EXPECT_EQ(org.login_url, "https://acme.my.salesforce.com");
  EXPECT_EQ(org.api_version, "62.0");
  EXPECT_EQ(org.auth.flow, AuthFlow::kJwtBearer);
  EXPECT_EQ(org.auth.client_id.Reveal(), kClientId);  // trailing newline trimmed
  EXPECT_EQ(org.auth.private_key_file, creds_ / "sf.key");
  EXPECT_EQ(org.mode, Mode::kObserve);
  EXPECT_EQ(org.poll.logins, std::chrono::minutes(1));
  EXPECT_EQ(org.poll.api_usage_logs, std::chrono::hours(1));
  EXPECT_EQ(org.poll.oauth_tokens, std::chrono::minutes(15));
  EXPECT_EQ(org.api_usage_retention, std::chrono::days(30));
  EXPECT_DOUBLE_EQ(org.api_budget.max_daily_share, 0.02);
  EXPECT_EQ(org.enforcement.max_changes_per_cycle, 10);
  EXPECT_TRUE(org.enforcement.Enforces(EnforceKind::kPermissionSets));
  EXPECT_FALSE(org.enforcement.Enforces(EnforceKind::kOrgWideDefaults));
  ASSERT_EQ(org.integration_users.size(), 1u);
  EXPECT_EQ(org.integration_users[0].mode, Mode::kObserve);
  EXPECT_TRUE(org.integration_users[0].allowed_ips.empty());
  EXPECT_EQ(org.integration_users[0].thresholds.failed_login_burst.count, 5);
  EXPECT_EQ(config.global.listen_address, "127.0.0.1:9847");
  EXPECT_EQ(config.global.state_dir, fs::path("/var/lib/sfwarden"));
  EXPECT_EQ(config.alerting.resend_interval, std::chrono::minutes(1));
  EXPECT_TRUE(config.warnings.empty());
}

TEST_F(ConfigTest, SmallExampleLoads) {
  const Config config = LoadConfig(testing::SourcePath("examples/sfwarden.small.yml"), Options());
  ASSERT_EQ(config.orgs.size(), 1u);
  ASSERT_EQ(config.orgs[0].integration_users.size(), 1u);
  EXPECT_EQ(config.orgs[0].integration_users[0].allowed_ips.size(), 2u);
  EXPECT_TRUE(config.warnings.empty());
}

TEST_F(ConfigTest, FullExampleLoadsEveryKey) {
  env_["STATE_DIRECTORY"] = "/var/lib/sfwarden-from-systemd";
  const Config config = LoadConfig(testing::SourcePath("examples/sfwarden.full.yml"), Options());
  EXPECT_EQ(config.global.state_dir, fs::path("/var/lib/sfwarden-from-systemd"));
  EXPECT_EQ(config.global.log_format, "json");
  ASSERT_EQ(config.orgs.size(), 2u);
  const OrgConfig& prod = config.orgs[0];
  EXPECT_EQ(prod.mode, Mode::kEnforce);
  ASSERT_EQ(prod.integration_users.size(), 2u);
  const auto& hubspot = prod.integration_users[0];
  EXPECT_EQ(hubspot.allowed_ips.size(), 3u);
  EXPECT_EQ(hubspot.expected_login_every, std::chrono::hours(6));
  EXPECT_EQ(hubspot.api_daily_budget, 20000);
  EXPECT_TRUE(hubspot.baseline.exclusive_permission_sets);
  EXPECT_EQ(prod.poll.oauth_tokens, std::chrono::minutes(15));
  EXPECT_EQ(prod.api_usage_retention, std::chrono::days(30));
  EXPECT_EQ(prod.integration_users[1].mode, Mode::kObserve);
  EXPECT_EQ(prod.integration_users[1].login_hours->tz, "Europe/Paris");
  EXPECT_EQ(prod.integration_users[1].login_hours->from, std::chrono::hours(22));
  EXPECT_EQ(prod.integration_users[1].login_hours->days.size(), 5u);
  const auto& set = prod.permission_sets.at("HubSpot_Sync_Access");
  EXPECT_TRUE(set.system.at("ApiEnabled"));
  EXPECT_TRUE(set.objects.at("Account").edit);
  EXPECT_FALSE(set.objects.at("Account").del);
  EXPECT_EQ(set.fields.at("Contact.SSN__c"), FieldAccess{});
  ASSERT_EQ(prod.sharing_rules.at("Account").size(), 2u);
  const auto& criteria_rule = prod.sharing_rules.at("Account")[0];
  EXPECT_TRUE(criteria_rule.is_criteria_based());
  EXPECT_EQ(criteria_rule.access, SharingAccess::kEdit);
  EXPECT_EQ(criteria_rule.criteria.size(), 2u);
  EXPECT_EQ(criteria_rule.contact_access, RelatedAccess::kEdit);
  EXPECT_EQ(criteria_rule.label, "Send to HubSpot");
  const auto& owner_rule = prod.sharing_rules.at("Account")[1];
  // No label given: the org's label is left alone (not compared, not rewritten).
  EXPECT_EQ(owner_rule.label, "");
  ASSERT_TRUE(owner_rule.owned_by.has_value());
  EXPECT_EQ(owner_rule.owned_by->kind, SharingTarget::Kind::kRoleAndSubordinates);
  EXPECT_EQ(prod.org_wide_defaults.at("Contact"), SharingModel::kControlledByParent);
  EXPECT_EQ(config.orgs[1].auth.flow, AuthFlow::kClientCredentials);
  EXPECT_EQ(config.orgs[1].auth.client_secret.Reveal(), kClientSecret);
  ASSERT_EQ(config.alerting.webhooks.size(), 2u);
  EXPECT_EQ(config.alerting.webhooks[0].url.Reveal(), kSlackUrl);
  EXPECT_EQ(config.alerting.webhooks[0].format, WebhookFormat::kSlack);
  ASSERT_TRUE(config.alerting.webhooks[1].secret.has_value());
  EXPECT_EQ(config.alerting.webhooks[1].secret->Reveal(), kWebhookSecret);
  EXPECT_TRUE(config.warnings.empty()) << config.warnings[0].ToString();
}

TEST_F(ConfigTest, ApiUsageRetentionBelowADayIsRefused) {
  auto d = OnlyError(std::string(kBase) + "    api_usage_retention: 12h\n");
  EXPECT_EQ(d.path, "orgs[0].api_usage_retention");
  EXPECT_EQ(d.line, 10);
  EXPECT_THAT(d.message, HasSubstr("at least 1d"));
  EXPECT_EQ(Load(std::string(kBase) + "    api_usage_retention: 90d\n").orgs[0].api_usage_retention,
            std::chrono::days(90));
}

TEST_F(ConfigTest, SeenIpAndJournalRetentionDefaultTo90DaysAndRefuseLessThanADay) {
  const auto org = Load(kBase).orgs[0];
  EXPECT_EQ(org.seen_ip_retention, std::chrono::days(90));
  EXPECT_EQ(org.journal_retention, std::chrono::days(90));
  for (const std::string key : {"seen_ip_retention", "journal_retention"}) {
    auto d = OnlyError(std::string(kBase) + "    " + key + ": 2h\n");
    EXPECT_EQ(d.path, "orgs[0]." + key);
    EXPECT_EQ(d.line, 10);
    EXPECT_THAT(d.message, HasSubstr("at least 1d"));
  }
  auto loaded =
      Load(std::string(kBase) + "    seen_ip_retention: 30d\n    journal_retention: 52w\n");
  EXPECT_EQ(loaded.orgs[0].seen_ip_retention, std::chrono::days(30));
}

TEST_F(ConfigTest, RequestTimeoutDefaultsTo60SecondsAndRefusesOutOfRange) {
  EXPECT_EQ(Load(kBase).orgs[0].request_timeout, std::chrono::seconds(60));
  EXPECT_EQ(Load(std::string(kBase) + "    request_timeout: 5s\n").orgs[0].request_timeout,
            std::chrono::seconds(5));
  for (const std::string value : {"500ms", "11m"}) {
    auto d = OnlyError(std::string(kBase) + "    request_timeout: " + value + "\n");
    EXPECT_EQ(d.path, "orgs[0].request_timeout");
    EXPECT_EQ(d.line, 10);
    EXPECT_THAT(d.message, HasSubstr("between 1s and 10m"));
  }
}

TEST_F(ConfigTest, UserModeOverridesOrgMode) {
  const Config config = Load(std::string(kBase) +
                             "        mode: enforce\n"
                             "      - username: other@acme.com\n");
  EXPECT_EQ(config.orgs[0].integration_users[0].mode, Mode::kEnforce);
  EXPECT_EQ(config.orgs[0].integration_users[1].mode, Mode::kObserve);
}

TEST_F(ConfigTest, HttpLoginUrlIsAllowedForLoopbackOnly) {
  for (const char* url :
       {"http://127.0.0.1:8443", "http://localhost:1234", "http://[::1]:80", "http://127.8.9.10"}) {
    std::string yaml = kBase;
    yaml.replace(yaml.find("https://acme.my.salesforce.com"), 30, url);
    EXPECT_EQ(Load(yaml).orgs[0].login_url, url);
  }
  std::string yaml = kBase;
  yaml.replace(yaml.find("https://"), 8, "http://");
  const auto error = OnlyError(yaml);
  EXPECT_EQ(error.path, "orgs[0].login_url");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.column, 16);
  EXPECT_EQ(error.message,
            "must use https (http is allowed only for loopback hosts: 127.0.0.0/8, localhost, "
            "[::1])");
}

// --- ${VAR} and *_file --------------------------------------------------------------------

TEST_F(ConfigTest, EnvVariablesDefaultsAndDollarEscapeExpand) {
  env_["SF_DOMAIN"] = "acme";
  env_["EMPTY"] = "";
  const Config config = Load(std::string(kBase) + R"(global:
  state_dir: /srv/${SF_DOMAIN}/${MISSING:-state}/${EMPTY:-x}
  listen_address: ${LISTEN:-127.0.0.1:9900}
alerting:
  webhooks:
    - url: https://example.com/hook?price=$$5&id=${SF_DOMAIN}
)");
  EXPECT_EQ(config.global.state_dir, fs::path("/srv/acme/state/x"));
  EXPECT_EQ(config.global.listen_address, "127.0.0.1:9900");
  EXPECT_EQ(config.alerting.webhooks[0].url.Reveal(), "https://example.com/hook?price=$5&id=acme");
}

TEST_F(ConfigTest, UnsetVariableIsAnErrorNamingIt) {
  const auto error = OnlyError(std::string(kBase) + "global:\n  state_dir: ${SFW_NOPE}/x\n");
  EXPECT_EQ(error.path, "global.state_dir");
  EXPECT_EQ(error.line, 11);
  EXPECT_EQ(error.column, 14);
  EXPECT_EQ(error.message,
            "environment variable SFW_NOPE is not set (write ${SFW_NOPE:-default} to give a "
            "default)");
}

TEST_F(ConfigTest, UnsetCredentialsDirectoryIsAnError) {
  env_.erase("CREDENTIALS_DIRECTORY");
  const auto diagnostics = Diagnostics(kBase);
  ASSERT_EQ(diagnostics.size(), 2u) << last_what_;
  EXPECT_EQ(diagnostics[0].path, "orgs[0].auth.client_id_file");
  EXPECT_THAT(diagnostics[0].message, HasSubstr("CREDENTIALS_DIRECTORY is not set"));
  EXPECT_EQ(diagnostics[1].path, "orgs[0].auth.private_key_file");
}

TEST_F(ConfigTest, SecretFilesAreReadAndTrimmed) {
  std::string yaml = kBase;
  yaml.replace(yaml.find("    auth:"), std::string::npos, R"(    auth:
      flow: client_credentials
      client_id: inline-client-id
      client_secret_file: ${CREDENTIALS_DIRECTORY}/client-secret
alerting:
  webhooks:
    - url_file: creds/slack-url
      format: slack
      secret: ${HOOK_SECRET}
)");
  env_["HOOK_SECRET"] = kWebhookSecret;
  const Config config = Load(yaml);
  EXPECT_EQ(config.orgs[0].auth.client_id.Reveal(), "inline-client-id");
  EXPECT_EQ(config.orgs[0].auth.client_secret.Reveal(), kClientSecret);  // "\r\n" trimmed
  EXPECT_EQ(config.alerting.webhooks[0].url.Reveal(), kSlackUrl);        // relative to the file
  EXPECT_EQ(config.alerting.webhooks[0].secret->Reveal(), kWebhookSecret);
}

TEST_F(ConfigTest, MissingSecretFileIsAnError) {
  std::string yaml = kBase;
  yaml.replace(yaml.find("/client-id"), 10, "/nope");
  const auto error = OnlyError(yaml);
  EXPECT_EQ(error.path, "orgs[0].auth.client_id_file");
  EXPECT_EQ(error.line, 5);
  EXPECT_EQ(error.column, 23);
  EXPECT_EQ(error.message, "file " + (creds_ / "nope").string() + " does not exist");
}

TEST_F(ConfigTest, SecretFileReadableByGroupIsRefused) {
  const fs::path file = dir_.Write("open/client-id", kClientId, 0640);
  std::string yaml = kBase;
  yaml.replace(yaml.find("${CREDENTIALS_DIRECTORY}/client-id"), 34, file.string());
  const auto error = OnlyError(yaml);
  EXPECT_EQ(error.path, "orgs[0].auth.client_id_file");
  EXPECT_EQ(error.line, 5);
  EXPECT_EQ(error.message, "permissions 0640 for " + file.string() +
                               " are too open: a secret must not be accessible by group or "
                               "others (chmod 600 " +
                               file.string() + ")");
}

TEST_F(ConfigTest, PrivateKeyReadableByOthersIsRefused) {
  const fs::path key = dir_.Write("open/sf.key", RsaKeyPem(), 0604);
  std::string yaml = kBase;
  yaml.replace(yaml.find("${CREDENTIALS_DIRECTORY}/sf.key"), 31, key.string());
  const auto error = OnlyError(yaml);
  EXPECT_EQ(error.path, "orgs[0].auth.private_key_file");
  EXPECT_EQ(error.line, 7);
  EXPECT_EQ(error.column, 25);
  EXPECT_THAT(error.message, HasSubstr("permissions 0604 for " + key.string() + " are too open"));
}

TEST_F(ConfigTest, GroupReadableFileInsideClosedCredentialsDirectoryIsAccepted) {
  WriteCredential("client-id", kClientId, 0440);  // systemd may use an ACL and mode 0440
  EXPECT_EQ(Load(kBase).orgs[0].auth.client_id.Reveal(), kClientId);
  fs::permissions(creds_, fs::perms::group_read | fs::perms::group_exec, fs::perm_options::add);
  const auto error = OnlyError(kBase);
  EXPECT_THAT(error.message, HasSubstr("permissions 0440"));
}

TEST_F(ConfigTest, PrivateKeyMustBeAnUnencryptedRsaPemKey) {
  WriteCredential("sf.key", "not a key\n");
  auto error = OnlyError(kBase);
  EXPECT_EQ(error.path, "orgs[0].auth.private_key_file");
  EXPECT_EQ(error.message, (creds_ / "sf.key").string() + " is not a PEM private key");

  WriteCredential("sf.key", Pem(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")));
  error = OnlyError(kBase);
  EXPECT_EQ(error.message, (creds_ / "sf.key").string() +
                               " is not an RSA key; the JWT bearer flow signs with RS256");
}

TEST_F(ConfigTest, AUserMayNarrowTheEnforcedKinds) {
  const Config config = Load(std::string(kBase) + "        enforce: [groups]\n");
  ASSERT_TRUE(config.orgs[0].integration_users[0].enforce.has_value());
  EXPECT_EQ(*config.orgs[0].integration_users[0].enforce,
            std::vector<EnforceKind>{EnforceKind::kGroups});
  const auto error = OnlyError(std::string(kBase) + "        enforce: [group]\n");
  EXPECT_EQ(error.path, "orgs[0].integration_users[0].enforce[0]");
}

TEST_F(ConfigTest, ClientCredentialsNamesTheRunAsUserOrWarns) {
  auto with_auth = [&](const std::string& extra) {
    std::string yaml = kBase;
    yaml.replace(yaml.find("    auth:"), std::string::npos, R"(    auth:
      flow: client_credentials
      client_id: inline-client-id
      client_secret_file: ${CREDENTIALS_DIRECTORY}/client-secret
)" + extra);
    return yaml;
  };
  const Config named = Load(with_auth("      username: run-as@acme.com\n"));
  EXPECT_EQ(named.orgs[0].auth.username, "run-as@acme.com");
  EXPECT_TRUE(named.warnings.empty());

  // Without it, sfwarden's own writes would look like an unexpected actor's: say so.
  const Config unnamed = Load(with_auth(""));
  ASSERT_EQ(unnamed.warnings.size(), 1u);
  EXPECT_EQ(unnamed.warnings[0].path, "orgs[0].auth.username");
  EXPECT_THAT(unnamed.warnings[0].message, HasSubstr("Run As user"));

  const auto error = OnlyError(with_auth("      username: not-a-username\n"));
  EXPECT_EQ(error.path, "orgs[0].auth.username");
}

TEST_F(ConfigTest, InlineClientSecretIsRefusedWithoutEchoingIt) {
  std::string yaml = kBase;
  yaml.replace(yaml.find("    auth:"), std::string::npos, std::string(R"(    auth:
      flow: client_credentials
      client_id: x
      client_secret: )") + kClientSecret + "\n      username: run-as@acme.com\n");
  const auto error = OnlyError(yaml);
  EXPECT_EQ(error.path, "orgs[0].auth.client_secret");
  EXPECT_EQ(error.line, 7);
  EXPECT_EQ(error.column, 22);
  EXPECT_EQ(error.message,
            "inline secrets are not allowed; put it in a file and use client_secret_file (or "
            "write client_secret: ${ENV_VAR})");
  EXPECT_THAT(last_what_, Not(HasSubstr(kClientSecret)));
}

TEST_F(ConfigTest, SecretsNeverAppearInDescribeOrErrors) {
  std::string yaml = std::string(kBase) + R"(alerting:
  webhooks:
    - url_file: ${CREDENTIALS_DIRECTORY}/slack-url
      format: slack
    - url: ${HOOK_URL}
      secret_file: ${CREDENTIALS_DIRECTORY}/webhook-secret
)";
  env_["HOOK_URL"] = "https://hooks.example.com/EnvHookToken";
  const Config config = Load(yaml);
  const std::string described = DescribeConfig(config);
  EXPECT_THAT(described, HasSubstr("org prod: https://acme.my.salesforce.com"));
  EXPECT_THAT(described, HasSubstr("user hubspot@acme.com: mode observe"));
  EXPECT_THAT(described, HasSubstr("poll: logins 1m, audit_trail 1m"));
  for (const char* secret : {kClientId, kSlackUrl, kWebhookSecret, "EnvHookToken"}) {
    EXPECT_THAT(described, Not(HasSubstr(secret)));
  }
  std::ostringstream printed;
  printed << config.orgs[0].auth.client_id;
  EXPECT_EQ(printed.str(), "<redacted>");
  EXPECT_EQ(config.alerting.webhooks[0].url.ToString(), "<redacted>");

  // A secret that fails validation is still not echoed.
  WriteCredential("slack-url", "ftp://hooks.slack.com/SlackSecretToken\n");
  const auto error = OnlyError(yaml);
  EXPECT_EQ(error.path, "alerting.webhooks[0].url_file");
  EXPECT_EQ(error.message, "URL must start with http:// or https://");
  EXPECT_THAT(last_what_, Not(HasSubstr("SlackSecretToken")));
}

// --- one test per class of error ----------------------------------------------------------

TEST_F(ConfigTest, YamlSyntaxErrorHasItsPosition) {
  const auto error = OnlyError("orgs:\n  - name: prod\n    login_url: [unclosed\n");
  EXPECT_EQ(error.file, ConfigPath());
  EXPECT_EQ(error.line, 4);
  EXPECT_GT(error.column, 0);
  EXPECT_THAT(error.message, HasSubstr("YAML syntax error: "));
  EXPECT_THAT(error.ToString(), HasSubstr(ConfigPath() + ":4:"));
}

TEST_F(ConfigTest, UnknownKeySuggestsTheClosestKnownOne) {
  const auto error = OnlyError(std::string(kBase) + "        alowed_ips: [10.0.0.0/8]\n");
  EXPECT_EQ(error.path, "orgs[0].integration_users[0].alowed_ips");
  EXPECT_EQ(error.line, 10);
  EXPECT_EQ(error.column, 9);
  EXPECT_EQ(error.message, "unknown key 'alowed_ips'; did you mean 'allowed_ips'?");
  EXPECT_EQ(error.ToString(), ConfigPath() +
                                  ":10:9: orgs[0].integration_users[0].alowed_ips: unknown key "
                                  "'alowed_ips'; did you mean 'allowed_ips'?");
}

TEST_F(ConfigTest, UnknownKeyWithoutCloseMatchListsTheKnownOnes) {
  const auto error = OnlyError(std::string(kBase) + "global:\n  colour: blue\n");
  EXPECT_EQ(error.path, "global.colour");
  EXPECT_EQ(error.line, 11);
  EXPECT_EQ(error.message,
            "unknown key 'colour' (expected one of: listen_address, state_dir, log)");
}

TEST_F(ConfigTest, WrongTypeSaysWhatWasExpected) {
  const auto error = OnlyError(std::string(kBase) + "        allowed_ips: 10.0.0.0/8\n");
  EXPECT_EQ(error.path, "orgs[0].integration_users[0].allowed_ips");
  EXPECT_EQ(error.line, 10);
  EXPECT_EQ(error.column, 22);
  EXPECT_EQ(error.message, "expected a list, got a scalar");
}

TEST_F(ConfigTest, BadCidrNamesTheListElement) {
  const auto error = OnlyError(std::string(kBase) +
                               "        allowed_ips:\n"
                               "          - 54.174.0.0/16\n"
                               "          - 2600:1f18::/36\n"
                               "          - 10.0.0.0/33\n");
  EXPECT_EQ(error.path, "orgs[0].integration_users[0].allowed_ips[2]");
  EXPECT_EQ(error.line, 13);
  EXPECT_EQ(error.column, 13);
  EXPECT_EQ(error.message,
            "bad CIDR '10.0.0.0/33': prefix length '33' must be 0-32 for an IPv4 range");
}

TEST_F(ConfigTest, BadDurationSaysWhy) {
  const auto error = OnlyError(std::string(kBase) + "        expected_login_every: 1.5h\n");
  EXPECT_EQ(error.path, "orgs[0].integration_users[0].expected_login_every");
  EXPECT_EQ(error.line, 10);
  EXPECT_EQ(error.column, 31);
  EXPECT_EQ(error.message, "bad duration '1.5h': fractions are not allowed; write 1h30m, not 1.5h");
}

TEST_F(ConfigTest, BadEnumValueListsTheAllowedOnes) {
  const auto error = OnlyError(std::string(kBase) + "    mode: enforced\n");
  EXPECT_EQ(error.path, "orgs[0].mode");
  EXPECT_EQ(error.line, 10);
  EXPECT_EQ(error.column, 11);
  EXPECT_EQ(error.message, "'enforced' is not one of: observe, enforce (did you mean 'enforce'?)");
}

TEST_F(ConfigTest, MissingRequiredKeyPointsAtItsMapping) {
  std::string yaml = kBase;
  yaml.erase(yaml.find("    login_url:"), yaml.find("    auth:") - yaml.find("    login_url:"));
  const auto error = OnlyError(yaml);
  EXPECT_EQ(error.path, "orgs[0]");
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.column, 5);
  EXPECT_EQ(error.message, "missing required key 'login_url'");
}

TEST_F(ConfigTest, DuplicateOrgNameNamesTheFirstOccurrence) {
  std::string second = kBase;
  second.erase(0, std::string("orgs:\n").size());
  second.replace(second.find("hubspot@"), 8, "other@");
  const auto error = OnlyError(kBase + second);
  EXPECT_EQ(error.path, "orgs[1].name");
  EXPECT_EQ(error.line, 10);
  EXPECT_EQ(error.column, 11);
  EXPECT_EQ(error.message, "duplicate org name 'prod' (first at orgs[0].name, line 2)");
}

TEST_F(ConfigTest, DuplicateUsernameInAnOrgNamesTheFirstOccurrence) {
  const auto error = OnlyError(std::string(kBase) + "      - username: hubspot@acme.com\n");
  EXPECT_EQ(error.path, "orgs[0].integration_users[1].username");
  EXPECT_EQ(error.line, 10);
  EXPECT_EQ(error.column, 19);
  EXPECT_EQ(error.message,
            "duplicate username 'hubspot@acme.com' (first at "
            "orgs[0].integration_users[0].username, line 9)");
}

TEST_F(ConfigTest, SameUsernameInTwoOrgsIsAWarning) {
  std::string second = kBase;
  second.erase(0, std::string("orgs:\n").size());
  second.replace(second.find("prod"), 4, "uat");
  const Config config = Load(kBase + second);
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_EQ(config.warnings[0].path, "orgs[1].integration_users[0].username");
  EXPECT_EQ(config.warnings[0].line, 17);
  EXPECT_THAT(config.warnings[0].ToString(),
              HasSubstr("warning: username 'hubspot@acme.com' is also declared at "
                        "orgs[0].integration_users[0].username, line 9"));
}

TEST_F(ConfigTest, PermissionSetUsedButNotDefinedIsAnError) {
  const auto error = OnlyError(std::string(kBase) + R"(        baseline:
          permission_sets: [HubSpot_Sync, Other_Set]
    permission_sets:
      HubSpot_Sync_Access: {}
      Other_Set: {}
)");
  EXPECT_EQ(error.path, "orgs[0].integration_users[0].baseline.permission_sets[0]");
  EXPECT_EQ(error.line, 11);
  EXPECT_EQ(error.column, 29);
  EXPECT_EQ(error.message,
            "permission set 'HubSpot_Sync' is not defined under orgs[0].permission_sets; did you "
            "mean 'HubSpot_Sync_Access'?");
}

TEST_F(ConfigTest, SharingRuleGroupThatNoBaselineDeclaresIsAWarning) {
  const Config config =
      Load(std::string(kBase) + R"(        baseline: { public_groups: [HubSpot_Group] }
    sharing_rules:
      Account:
        - name: To_HubSpot
          shared_to: { group: HubSpot_Group }
          criteria: [ { field: Sync__c, operation: equals, value: "True" } ]
        - name: To_Nobody
          shared_to: { group: Stray_Group }
          owned_by: { role: Sales }
)");
  ASSERT_EQ(config.warnings.size(), 1u);
  const auto& warning = config.warnings[0];
  EXPECT_EQ(warning.severity, ConfigDiagnostic::Severity::kWarning);
  EXPECT_EQ(warning.path, "orgs[0].sharing_rules.Account[1].shared_to.group");
  EXPECT_EQ(warning.line, 17);
  EXPECT_EQ(warning.column, 31);
  EXPECT_EQ(warning.message,
            "group 'Stray_Group' is in no integration user's baseline.public_groups, so sfwarden "
            "does not check who is in it");
  EXPECT_THAT(DescribeConfig(config), HasSubstr("warning: group 'Stray_Group'"));
}

TEST_F(ConfigTest, UnknownTimeZoneIsAnError) {
  const Config good = Load(std::string(kBase) +
                           "        login_hours: { tz: America/New_York, from: \"08:00\", to: "
                           "\"18:30\" }\n");
  EXPECT_EQ(good.orgs[0].integration_users[0].login_hours->to, std::chrono::minutes(18 * 60 + 30));
  const auto error =
      OnlyError(std::string(kBase) + "        login_hours: { tz: Mars/Olympus_Mons }\n");
  EXPECT_EQ(error.path, "orgs[0].integration_users[0].login_hours.tz");
  EXPECT_EQ(error.line, 10);
  EXPECT_EQ(error.column, 28);
  EXPECT_THAT(error.message, HasSubstr("unknown time zone 'Mars/Olympus_Mons'"));
  EXPECT_EQ(OnlyError(std::string(kBase) + "        login_hours: { tz: ../../etc/passwd }\n").path,
            "orgs[0].integration_users[0].login_hours.tz");
}

TEST_F(ConfigTest, ObjectPermissionWithoutItsPrerequisiteIsAnError) {
  const auto error = OnlyError(std::string(kBase) + R"(    permission_sets:
      Sync:
        objects: { Account: [read, delete] }
)");
  EXPECT_EQ(error.path, "orgs[0].permission_sets.Sync.objects.Account");
  EXPECT_EQ(error.line, 12);
  EXPECT_EQ(error.message, "delete requires edit (Salesforce refuses it otherwise)");
}

// PermissionsViewAllFields exists from API 63.0 (collectors/target.h); the default is 62.0.
TEST_F(ConfigTest, ViewAllFieldsNeedsApiVersion63) {
  const std::string sets = R"(    permission_sets:
      Sync:
        objects: { Account: [read, view_all_fields] }
)";
  const auto error = OnlyError(std::string(kBase) + sets);
  EXPECT_EQ(error.path, "orgs[0].permission_sets.Sync.objects.Account");
  EXPECT_EQ(error.message,
            "view_all_fields needs api_version \"63.0\" or later "
            "(ObjectPermissions.PermissionsViewAllFields); this org uses \"62.0\"");
  const Config config = Load(std::string(kBase) + "    api_version: \"63.0\"\n" + sets);
  EXPECT_TRUE(config.orgs.at(0).permission_sets.at("Sync").objects.at("Account").view_all_fields);
}

TEST_F(ConfigTest, DuplicateYamlKeyIsAnError) {
  const auto error = OnlyError(std::string(kBase) + "    mode: observe\n    mode: enforce\n");
  EXPECT_EQ(error.path, "orgs[0].mode");
  EXPECT_EQ(error.line, 11);
  EXPECT_EQ(error.column, 5);
  EXPECT_EQ(error.message, "duplicate key 'mode' (first at line 10)");
}

TEST_F(ConfigTest, FieldKeyWithDotIsQuotedInThePath) {
  const auto error = OnlyError(std::string(kBase) + R"(    permission_sets:
      Sync:
        fields: { Account.AnnualRevenue: [edit] }
)");
  EXPECT_EQ(error.path, "orgs[0].permission_sets.Sync.fields[\"Account.AnnualRevenue\"]");
  EXPECT_EQ(error.message, "edit requires read (Salesforce refuses it otherwise)");
}

TEST_F(ConfigTest, AllErrorsAreReportedAtOnce) {
  std::string yaml = kBase;
  yaml.replace(yaml.find("/client-id"), 10, "/nope");
  yaml += R"(        allowed_ips: [10.0.0.0/8, bogus]
        expected_login_every: 5x
    mode: enforcd
global:
  log: { level: loud }
)";
  const auto diagnostics = Diagnostics(yaml);
  std::vector<std::string> paths;
  for (const auto& d : diagnostics) paths.push_back(d.path);
  EXPECT_THAT(paths,
              ::testing::UnorderedElementsAre("orgs[0].auth.client_id_file",
                                              "orgs[0].integration_users[0].allowed_ips[1]",
                                              "orgs[0].integration_users[0].expected_login_every",
                                              "orgs[0].mode", "global.log.level"));
  EXPECT_EQ(std::count(last_what_.begin(), last_what_.end(), '\n'), 4);
  for (const auto& d : diagnostics) {
    EXPECT_EQ(d.file, ConfigPath());
    EXPECT_GT(d.line, 0) << d.ToString();
    EXPECT_GT(d.column, 0) << d.ToString();
  }
}

TEST_F(ConfigTest, MissingOrEmptyFileIsAnError) {
  try {
    LoadConfig(dir_.path() / "absent.yml", Options());
    ADD_FAILURE() << "loaded a missing file";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), (dir_.path() / "absent.yml").string() +
                                         ": cannot read config file: No such file or directory");
  }
  const auto error = OnlyError("# only a comment\n");
  EXPECT_EQ(error.message, "the file is empty; expected global, orgs and alerting");
}

TEST_F(ConfigTest, ConfigWithoutOrgsLoadsWithAWarning) {
  const Config config = Load("global:\n  log: { level: debug, format: json }\n");
  EXPECT_TRUE(config.orgs.empty());
  EXPECT_EQ(config.global.log_level, "debug");
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_EQ(config.warnings[0].message, "no orgs configured: sfwarden will watch nothing");
}

TEST_F(ConfigTest, DiagnosticToStringLeavesOutUnknownParts) {
  ConfigDiagnostic d{.file = "a.yml", .line = 3, .column = 7, .path = "orgs[0]", .message = "m"};
  EXPECT_EQ(d.ToString(), "a.yml:3:7: orgs[0]: m");
  d.line = 0;
  d.path.clear();
  EXPECT_EQ(d.ToString(), "a.yml: m");
}

TEST_F(ConfigTest, AuthKeysOfTheOtherFlowAreRefused) {
  std::string yaml = kBase;
  yaml.insert(yaml.find("      client_id_file"), "      client_secret_file: creds/client-secret\n");
  const auto error = OnlyError(yaml);
  EXPECT_EQ(error.path, "orgs[0].auth.client_secret_file");
  EXPECT_EQ(error.line, 5);
  EXPECT_EQ(error.message, "is only used with flow client_credentials, not jwt_bearer");
}

TEST_F(ConfigTest, OutOfRangeNumbersAndRatiosAreErrors) {
  const auto diagnostics = Diagnostics(
      std::string(kBase) + R"(    api_budget: { max_daily_share: 2%, stop_below_remaining: 1.5 }
    enforcement: { max_changes_per_cycle: 0 }
)");
  ASSERT_EQ(diagnostics.size(), 3u) << last_what_;
  EXPECT_EQ(diagnostics[0].path, "orgs[0].api_budget.max_daily_share");
  EXPECT_EQ(diagnostics[0].message,
            "expected a ratio between 0 and 1, got '2%' (write 2% as 0.02)");
  EXPECT_EQ(diagnostics[1].path, "orgs[0].api_budget.stop_below_remaining");
  EXPECT_EQ(diagnostics[2].path, "orgs[0].enforcement.max_changes_per_cycle");
  EXPECT_EQ(diagnostics[2].message, "must be between 1 and 10000, got 0");
}

TEST_F(ConfigTest, SharingRuleShapeIsChecked) {
  const auto diagnostics = Diagnostics(std::string(kBase) + R"(    sharing_rules:
      Contact:
        - name: Both_Kinds
          shared_to: { group: G, role: R }
          criteria: [ { field: A__c, operation: equal, value: x } ]
          boolean_filter: 1 OR 2
          account_settings: { case_access: Read }
        - name: Both_Kinds
          shared_to: { group: G }
)");
  std::vector<std::string> lines;
  for (const auto& d : diagnostics) {
    if (d.severity == ConfigDiagnostic::Severity::kError)
      lines.push_back(d.path + ": " + d.message);
  }
  EXPECT_THAT(
      lines,
      ::testing::ElementsAre(
          "orgs[0].sharing_rules.Contact[0].shared_to.role: give exactly one of group, role, "
          "role_and_subordinates, role_and_subordinates_internal",
          "orgs[0].sharing_rules.Contact[0].criteria[0].operation: 'equal' is not one of: "
          "equals, notEqual, lessThan, greaterThan, lessOrEqual, greaterOrEqual, contains, "
          "notContain, startsWith, includes, excludes, within (did you mean 'equals'?)",
          "orgs[0].sharing_rules.Contact[0].boolean_filter: bad boolean filter '1 OR 2': refers "
          "to criterion 2 but there are 1",
          "orgs[0].sharing_rules.Contact[0].account_settings: only applies to Account rules",
          "orgs[0].sharing_rules.Contact[1]: missing 'criteria' (criteria-based rule) or "
          "'owned_by' (owner-based rule)",
          "orgs[0].sharing_rules.Contact[1].name: duplicate sharing rule name 'Both_Kinds' on "
          "Contact (first at orgs[0].sharing_rules.Contact[0])"));
  // The warning follows the errors: Contact[1]'s group G is in no baseline (Contact[0] has
  // no valid target to warn about).
  EXPECT_EQ(diagnostics.size(), lines.size() + 1);
  EXPECT_EQ(diagnostics.back().severity, ConfigDiagnostic::Severity::kWarning);
}

TEST_F(ConfigTest, LoginHoursNeedANonEmptyWindow) {
  const auto error =
      OnlyError(std::string(kBase) + "        login_hours: { from: \"08:00\", to: \"08:00\" }\n");
  EXPECT_EQ(error.path, "orgs[0].integration_users[0].login_hours");
  EXPECT_EQ(error.message,
            "from and to are equal, so the window is empty (use 00:00 to 24:00 for all day)");
  EXPECT_EQ(OnlyError(std::string(kBase) + "        login_hours: { to: \"25:00\" }\n").message,
            "'25:00' is not a time of day HH:MM between 00:00 and 24:00");
}

TEST_F(ConfigTest, BadListenAddressAndLogLevelAreErrors) {
  const auto diagnostics = Diagnostics(std::string(kBase) + R"(global:
  listen_address: 127.0.0.1
  log: { level: verbose, format: xml }
)");
  ASSERT_EQ(diagnostics.size(), 3u) << last_what_;
  EXPECT_EQ(diagnostics[0].message,
            "'127.0.0.1' is not host:port (e.g. 127.0.0.1:9847, [::1]:9847, :9847)");
  EXPECT_EQ(diagnostics[1].message, "'verbose' is not one of: trace, debug, info, warn, error");
  EXPECT_EQ(diagnostics[2].path, "global.log.format");
}

TEST_F(ConfigTest, DescribeSummarisesOrgsUsersAndModes) {
  const std::string described =
      DescribeConfig(Load(std::string(kBase) + R"(        allowed_ips: [54.174.0.0/16]
        mode: enforce
        baseline: { permission_sets: [Sync], exclusive_permission_sets: true }
    permission_sets: { Sync: {} }
    poll: { logins: 30s, full_reconcile: 2h }
)"));
  EXPECT_THAT(described, HasSubstr("org prod: https://acme.my.salesforce.com, API v62.0, auth "
                                   "jwt_bearer as monitor@acme.com, mode observe, "
                                   "request timeout 1m"));
  EXPECT_THAT(described, HasSubstr("poll: logins 30s, audit_trail 1m, limits 1m, oauth_tokens "
                                   "15m, api_usage_logs 1h, full_reconcile 2h"));
  EXPECT_THAT(described, HasSubstr("user hubspot@acme.com: mode enforce, IPs 54.174.0.0/16"));
  EXPECT_THAT(described, HasSubstr("permission sets Sync (exclusive)"));
}

// --- durations ----------------------------------------------------------------------------

TEST(DurationTest, ParsesUnitsAndSequences) {
  using namespace std::chrono;
  EXPECT_EQ(ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(ParseDuration("30s"), seconds(30));
  EXPECT_EQ(ParseDuration("5m"), minutes(5));
  EXPECT_EQ(ParseDuration("1h30m"), minutes(90));
  EXPECT_EQ(ParseDuration("7d"), hours(168));
  EXPECT_EQ(ParseDuration("1h0m1s500ms"), milliseconds(3'601'500));
}

TEST(DurationTest, RefusesBadTextWithAReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty; write e.g. 30s, 5m, 1h30m"},
      {"30", "missing unit after 30 (one of ms, s, m, h, d, w)"},
      {"5x", "unknown unit 'x' (one of ms, s, m, h, d, w)"},
      {"30m1h", "units must go from largest to smallest, each once (e.g. 1h30m)"},
      {"1m1m", "units must go from largest to smallest, each once (e.g. 1h30m)"},
      {"1.5h", "fractions are not allowed; write 1h30m, not 1.5h"},
      {"-5m", "must not be negative"},
      {"m", "expected a whole number at 'm'; write e.g. 30s, 5m, 1h30m"},
      {"9999999999999w", "too long"},
  };
  for (const auto& [text, reason] : cases) {
    std::string error;
    EXPECT_FALSE(ParseDuration(text, &error).has_value()) << text;
    EXPECT_EQ(error, reason) << text;
  }
}

TEST(DurationTest, FormatRoundTrips) {
  using namespace std::chrono;
  EXPECT_EQ(FormatDuration(minutes(90)), "1h30m");
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1s500ms");
  EXPECT_EQ(ParseDuration(FormatDuration(hours(30) + seconds(5))), hours(30) + seconds(5));
}

}  // namespace
}  // namespace sfwarden::daemon
