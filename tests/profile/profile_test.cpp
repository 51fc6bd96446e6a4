#include "profile/profile.h"
#include "wizard/wizard_controller.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

using dcr::Profile;

namespace {

QJsonObject readJson(const QString& path) {
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::ReadOnly)) << path.toStdString();
    return QJsonDocument::fromJson(f.readAll()).object();
}

QJsonObject minimal() {
    return QJsonObject{{QStringLiteral("schema_version"), 1},
                       {QStringLiteral("azure"), QJsonObject{{QStringLiteral("tenant"), QStringLiteral("contoso.onmicrosoft.com")}}}};
}

QStringList errorsFor(const QJsonObject& json) {
    QStringList errors;
    EXPECT_FALSE(Profile::fromJson(json, &errors).has_value());
    return errors;
}

QJsonObject with(QJsonObject json, const QString& section, const QString& key, const QJsonValue& value) {
    QJsonObject inner = json.value(section).toObject();
    inner.insert(key, value);
    json.insert(section, inner);
    return json;
}

TEST(Profile, TheSampleProfileLoadsAndRoundTrips) {
    QStringList errors;
    const auto p = Profile::fromJson(readJson(QStringLiteral(DCR_SOURCE_DIR "/resources/profiles/sandbox-demo.json")), &errors);
    ASSERT_TRUE(p.has_value()) << errors.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(p->name, QStringLiteral("sandbox-demo"));
    EXPECT_EQ(p->azure.tenant, QStringLiteral("contoso.onmicrosoft.com"));
    EXPECT_TRUE(p->publish.enabled);
    EXPECT_EQ(p->publish.apiName, QStringLiteral("Orders API"));
    EXPECT_TRUE(p->validation.dcrRoundTrip);

    const auto again = Profile::fromJson(p->toJson(), &errors);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->toJson(), p->toJson());
}

TEST(Profile, DefaultsFollowTheNewerKongGuide) {
    QStringList errors;
    const auto p = Profile::fromJson(minimal(), &errors);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->azure.permissionPreset, Profile::PermissionPreset::Minimal);
    EXPECT_EQ(p->azure.secretLifetimeMonths, 12);
    EXPECT_EQ(p->azure.publicClientId, QStringLiteral("14d82eec-204b-4c2f-b7e8-296a70dab67e"));
    EXPECT_EQ(p->konnect.credentialClaim, QStringList{QStringLiteral("appid")});
    EXPECT_EQ(p->konnect.authMethods.size(), 3);
    EXPECT_FALSE(p->publish.enabled);
}

TEST(Profile, TheIssuerHasNoTrailingSlash) {
    EXPECT_EQ(Profile::issuerFor(QStringLiteral("6b1f0c3e-2d4a-4f8b-9c7e-1a2b3c4d5e6f")),
              QStringLiteral("https://sts.windows.net/6b1f0c3e-2d4a-4f8b-9c7e-1a2b3c4d5e6f"));
}

TEST(Profile, SecretsAreRefusedWithAnExplanation) {
    const QStringList errors = errorsFor(with(minimal(), QStringLiteral("konnect"), QStringLiteral("token"), QStringLiteral("kpat_x")));
    ASSERT_EQ(errors.size(), 1);
    EXPECT_TRUE(errors.first().contains(QStringLiteral("never hold secrets"))) << errors.first().toStdString();
    EXPECT_FALSE(errorsFor(with(minimal(), QStringLiteral("azure"), QStringLiteral("client_secret"), QStringLiteral("x"))).isEmpty());
}

TEST(Profile, UnknownKeysAreNamed) {
    const QStringList errors = errorsFor(with(minimal(), QStringLiteral("azure"), QStringLiteral("tennant"), QStringLiteral("x")));
    ASSERT_EQ(errors.size(), 1);
    EXPECT_TRUE(errors.first().contains(QStringLiteral("azure.tennant")));
}

TEST(Profile, SchemaVersionIsChecked) {
    QJsonObject json = minimal();
    json.remove(QStringLiteral("schema_version"));
    EXPECT_TRUE(errorsFor(json).first().contains(QStringLiteral("not a dcr-wizard profile")));
    json.insert(QStringLiteral("schema_version"), 2);
    EXPECT_TRUE(errorsFor(json).first().contains(QStringLiteral("newer dcr-wizard")));
}

TEST(Profile, FieldRulesGiveOneSentenceEach) {
    struct Case {
        QString section, key;
        QJsonValue value;
        QString expected;
    };
    const QList<Case> cases{
        {QStringLiteral("azure"), QStringLiteral("tenant"), QStringLiteral("not a tenant"), QStringLiteral("azure.tenant")},
        {QStringLiteral("azure"), QStringLiteral("secret_lifetime_months"), 25, QStringLiteral("between 1 and 24")},
        {QStringLiteral("azure"), QStringLiteral("secret_lifetime_months"), QStringLiteral("12"), QStringLiteral("whole number")},
        {QStringLiteral("azure"), QStringLiteral("permission_preset"), QStringLiteral("all"), QStringLiteral("minimal")},
        {QStringLiteral("azure"), QStringLiteral("cloud"), QStringLiteral("custom"), QStringLiteral("custom Azure cloud")},
        {QStringLiteral("konnect"), QStringLiteral("region"), QStringLiteral("mars"), QStringLiteral("konnect.region")},
        {QStringLiteral("konnect"), QStringLiteral("auth_methods"), QJsonArray{QStringLiteral("password")}, QStringLiteral("password")},
        {QStringLiteral("konnect"), QStringLiteral("credential_claim"), QJsonArray{}, QStringLiteral("appid")},
        {QStringLiteral("validation"), QStringLiteral("gateway_url"), QStringLiteral("http://gateway.example.com/orders"),
         QStringLiteral("https://")},
    };
    for (const Case& c : cases) {
        const QStringList errors = errorsFor(with(minimal(), c.section, c.key, c.value));
        ASSERT_FALSE(errors.isEmpty()) << c.key.toStdString();
        EXPECT_TRUE(errors.join(QLatin1Char(' ')).contains(c.expected))
            << c.key.toStdString() << ": " << errors.join(QLatin1Char(' ')).toStdString();
    }
}

TEST(Profile, LoopbackHttpIsAllowedForTheSandboxOnly) {
    QJsonObject json = with(minimal(), QStringLiteral("konnect"), QStringLiteral("region"), QStringLiteral("custom"));
    json = with(json, QStringLiteral("konnect"), QStringLiteral("base_url"), QStringLiteral("http://127.0.0.1:8080/konnect"));
    QStringList errors;
    EXPECT_TRUE(Profile::fromJson(json, &errors).has_value()) << errors.join(QLatin1Char(' ')).toStdString();
    json = with(json, QStringLiteral("konnect"), QStringLiteral("base_url"), QStringLiteral("http://10.0.0.5/konnect"));
    EXPECT_FALSE(Profile::fromJson(json, &errors).has_value());
}

TEST(Profile, TheJsonSchemaDescribesTheSameSettings) {
    const QJsonObject schema = readJson(QStringLiteral(DCR_SOURCE_DIR "/resources/profile.schema.json"));
    const QJsonObject props = schema.value(QStringLiteral("properties")).toObject();
    Profile p;
    p.azure.tenant = QStringLiteral("contoso.onmicrosoft.com");
    p.publish.enabled = true;
    p.publish.apiName = QStringLiteral("x");
    p.publish.portalName = QStringLiteral("y");
    p.validation.dcrRoundTrip = true;
    p.azure.cloud = QStringLiteral("custom");
    p.azure.loginUrl = QStringLiteral("https://login.example.test");
    p.azure.graphUrl = QStringLiteral("https://graph.example.test");
    p.azure.graphResource = QStringLiteral("https://graph.example.test");
    p.konnect.region = QStringLiteral("custom");
    p.konnect.baseUrl = QStringLiteral("https://konnect.example.test");
    const QJsonObject json = p.toJson();
    ASSERT_TRUE(json.value(QStringLiteral("azure")).toObject().contains(QStringLiteral("graph_resource")));
    for (const QString& key : json.keys()) {
        ASSERT_TRUE(props.contains(key)) << key.toStdString();
        if (!json.value(key).isObject())
            continue;
        const QJsonObject sectionProps = props.value(key).toObject().value(QStringLiteral("properties")).toObject();
        for (const QString& inner : json.value(key).toObject().keys())
            EXPECT_TRUE(sectionProps.contains(inner)) << (key + QLatin1Char('.') + inner).toStdString();
    }
}

TEST(Profile, TheDynamicsSampleProfileLoadsAndRoundTrips) {
    QStringList errors;
    const auto p = Profile::fromJson(readJson(QStringLiteral(DCR_SOURCE_DIR "/resources/profiles/sandbox-dynamics.json")), &errors);
    ASSERT_TRUE(p.has_value()) << errors.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(p->blueprint, Profile::Blueprint::DynamicsClient);
    EXPECT_EQ(p->dynamics.signInAudience, QStringLiteral("AzureADMultipleOrgs"));
    EXPECT_EQ(p->dynamics.redirectUri, QStringLiteral("http://localhost"));
    EXPECT_EQ(p->dynamics.organizationUrl, QStringLiteral("https://contoso.crm.dynamics.com"));
    EXPECT_TRUE(p->dynamics.adminConsent);
    EXPECT_TRUE(p->dynamics.testSignIn);
    const auto again = Profile::fromJson(p->toJson(), &errors);
    ASSERT_TRUE(again.has_value()) << errors.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(again->toJson(), p->toJson());
}

TEST(Profile, TheDynamicsSectionDefaultsToTheWalkthrough) {
    QStringList errors;
    QJsonObject json = minimal();
    json.insert(QStringLiteral("blueprint"), QStringLiteral("dynamics-client"));
    const auto p = Profile::fromJson(json, &errors);
    ASSERT_TRUE(p.has_value()) << errors.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(p->dynamics.signInAudience, QStringLiteral("AzureADMultipleOrgs"));
    EXPECT_EQ(p->dynamics.redirectUri, QStringLiteral("http://localhost"));
    EXPECT_TRUE(p->dynamics.adminConsent);
    EXPECT_FALSE(p->dynamics.testSignIn);
}

TEST(Profile, TheDynamicsSectionRejectsWhatEntraWouldNot) {
    QJsonObject json = minimal();
    json.insert(QStringLiteral("blueprint"), QStringLiteral("dynamics-client"));
    EXPECT_TRUE(errorsFor(with(json, QStringLiteral("dynamics"), QStringLiteral("sign_in_audience"), QStringLiteral("AzureADandPersonalMicrosoftAccount")))
                    .join(QLatin1Char(' ')).contains(QStringLiteral("dynamics.sign_in_audience")));
    EXPECT_TRUE(errorsFor(with(json, QStringLiteral("dynamics"), QStringLiteral("redirect_uri"), QStringLiteral("http://example.com/cb")))
                    .join(QLatin1Char(' ')).contains(QStringLiteral("localhost")));
    EXPECT_TRUE(errorsFor(with(json, QStringLiteral("dynamics"), QStringLiteral("redirect_uri"), QStringLiteral("not a uri")))
                    .join(QLatin1Char(' ')).contains(QStringLiteral("dynamics.redirect_uri")));
    EXPECT_TRUE(errorsFor(with(json, QStringLiteral("dynamics"), QStringLiteral("organization_url"), QStringLiteral("http://contoso.crm.dynamics.com")))
                    .join(QLatin1Char(' ')).contains(QStringLiteral("dynamics.organization_url")));
    EXPECT_TRUE(errorsFor(with(json, QStringLiteral("dynamics"), QStringLiteral("client_secret"), QStringLiteral("x")))
                    .join(QLatin1Char(' ')).contains(QStringLiteral("looks like a secret")));
    EXPECT_TRUE(errorsFor(with(json, QStringLiteral("dynamics"), QStringLiteral("redirect"), QStringLiteral("http://localhost")))
                    .join(QLatin1Char(' ')).contains(QStringLiteral("\"dynamics.redirect\" is not a profile setting")));
    QStringList errors;
    EXPECT_TRUE(Profile::fromJson(with(json, QStringLiteral("dynamics"), QStringLiteral("redirect_uri"), QStringLiteral("myapp://auth")), &errors)
                    .has_value())
        << errors.join(QLatin1Char('\n')).toStdString();
}

TEST(Profile, TheGraphResourceIsForACustomCloudAndAnHttpsIdentifier) {
    QJsonObject custom = with(minimal(), QStringLiteral("azure"), QStringLiteral("cloud"), QStringLiteral("custom"));
    custom = with(custom, QStringLiteral("azure"), QStringLiteral("login_url"), QStringLiteral("https://login.example.test"));
    custom = with(custom, QStringLiteral("azure"), QStringLiteral("graph_url"), QStringLiteral("https://proxy.example.test/graph"));
    QStringList errors;
    const auto unset = Profile::fromJson(custom, &errors);
    ASSERT_TRUE(unset.has_value()) << errors.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(unset->azure.graphResource.isEmpty());
    const auto named = Profile::fromJson(with(custom, QStringLiteral("azure"), QStringLiteral("graph_resource"), QStringLiteral("https://graph.microsoft.com")), &errors);
    ASSERT_TRUE(named.has_value()) << errors.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(named->azure.graphResource, QStringLiteral("https://graph.microsoft.com"));
    EXPECT_EQ(Profile::fromJson(named->toJson(), &errors)->azure.graphResource, QStringLiteral("https://graph.microsoft.com"));

    const QStringList plain = errorsFor(with(custom, QStringLiteral("azure"), QStringLiteral("graph_resource"), QStringLiteral("http://graph.example.test")));
    ASSERT_EQ(plain.size(), 1);
    EXPECT_TRUE(plain.first().contains(QStringLiteral("graph_resource"))) << plain.first().toStdString();
    const QStringList global = errorsFor(with(minimal(), QStringLiteral("azure"), QStringLiteral("graph_resource"), QStringLiteral("https://graph.microsoft.com")));
    ASSERT_EQ(global.size(), 1);
    EXPECT_TRUE(global.first().contains(QStringLiteral("custom cloud"))) << global.first().toStdString();
}

TEST(Profile, AFileLargerThanTheCapIsRefusedUnparsedWithASentence) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    // A valid profile padded with whitespace past the cap: refused for its size, not its content.
    QFile big(dir.filePath(QStringLiteral("big.json")));
    ASSERT_TRUE(big.open(QIODevice::WriteOnly));
    const QByteArray json = QJsonDocument(minimal()).toJson();
    big.write(json.left(json.size() - 2));
    big.write(QByteArray(Profile::kMaxFileBytes, ' '));
    big.write("}\n");
    big.close();
    QStringList errors;
    EXPECT_FALSE(Profile::readFile(big.fileName(), &errors).has_value());
    ASSERT_EQ(errors.size(), 1);
    EXPECT_TRUE(errors.first().contains(QStringLiteral("larger than 1024 KiB"))) << errors.first().toStdString();

    QFile small(dir.filePath(QStringLiteral("small.json")));
    ASSERT_TRUE(small.open(QIODevice::WriteOnly));
    small.write(json);
    small.close();
    EXPECT_TRUE(Profile::readFile(small.fileName(), &errors).has_value()) << errors.join(QLatin1Char('\n')).toStdString();
    EXPECT_FALSE(Profile::readFile(dir.filePath(QStringLiteral("missing.json")), &errors).has_value());
    EXPECT_TRUE(errors.first().contains(QStringLiteral("cannot read the profile"))) << errors.first().toStdString();
}

TEST(Profile, TheWizardRefusesAProfileFileLargerThanTheCap) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QFile big(dir.filePath(QStringLiteral("big.json")));
    ASSERT_TRUE(big.open(QIODevice::WriteOnly));
    const QByteArray json = QJsonDocument(minimal()).toJson();
    big.write(json.left(json.size() - 2));
    big.write(QByteArray(Profile::kMaxFileBytes, ' '));
    big.write("}\n");
    big.close();
    dcr::wizard::WizardController controller(dcr::wizard::WizardController::Mode::Real);
    QStringList errors;
    EXPECT_FALSE(controller.openProfile(big.fileName(), &errors));
    ASSERT_EQ(errors.size(), 1);
    EXPECT_TRUE(errors.first().contains(QStringLiteral("larger than 1024 KiB"))) << errors.first().toStdString();
    QFile small(dir.filePath(QStringLiteral("small.json")));
    ASSERT_TRUE(small.open(QIODevice::WriteOnly));
    small.write(json);
    small.close();
    EXPECT_TRUE(controller.openProfile(small.fileName(), &errors)) << errors.join(QLatin1Char('\n')).toStdString();
}

}  // namespace
