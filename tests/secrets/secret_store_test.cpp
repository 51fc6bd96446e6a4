// The secret store against the real Secret Service (gnome-keyring in a private D-Bus session,
// started by tests/support/with-keyring-session.sh).
#include "secrets/secret_store.h"
#include "support/wait.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QUuid>

using dcr::SecretKey;
using dcr::SecretResult;
using dcr::SecretStatus;
using dcr::SecretStore;

namespace {

const QUrl kKonnect(QStringLiteral("https://eu.api.konghq.com"));

// Reads an entry straight from the Secret Service with secret-tool, bypassing QtKeychain, to prove
// the value really is in the keychain. QtKeychain's libsecret schema names the service "server"
// and the key "user".
QString lookupWithSecretTool(const QString& entry) {
    QProcess p;
    p.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("server"),
                                             QLatin1String(SecretStore::kServiceName), QStringLiteral("user"), entry});
    if (!p.waitForFinished(10000))
        return QStringLiteral("<secret-tool timed out>");
    return QString::fromUtf8(p.readAllStandardOutput());
}

class SecretStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_FALSE(qEnvironmentVariableIsEmpty("DCR_KEYRING_SESSION"))
            << "run the suite through tests/run-all.sh (or tests/support/with-keyring-session.sh ctest)";
        ASSERT_TRUE(dir.isValid());
        indexFile = dir.filePath(QStringLiteral("index.ini"));
        store = std::make_unique<SecretStore>(indexFile);
        profile = QStringLiteral("test-%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
    }

    SecretResult write(const SecretKey& key, const QString& value) {
        auto r = dcr::test::awaitCallback<SecretResult>([&](auto cb) { store->write(key, value, cb); });
        return r.value_or(SecretResult{SecretStatus::Failed, {}, QStringLiteral("timed out")});
    }
    SecretResult read(const SecretKey& key) {
        auto r = dcr::test::awaitCallback<SecretResult>([&](auto cb) { store->read(key, cb); });
        return r.value_or(SecretResult{SecretStatus::Failed, {}, QStringLiteral("timed out")});
    }
    SecretResult remove(const SecretKey& key) {
        auto r = dcr::test::awaitCallback<SecretResult>([&](auto cb) { store->remove(key, cb); });
        return r.value_or(SecretResult{SecretStatus::Failed, {}, QStringLiteral("timed out")});
    }

    QTemporaryDir dir;
    QString indexFile;
    std::unique_ptr<SecretStore> store;
    QString profile;
};

TEST_F(SecretStoreTest, StoresReadsAndDeletesThroughTheRealSecretService) {
    const auto key = SecretKey::initialClientSecret(profile, QStringLiteral("tenant-1"), QStringLiteral("app-1"));
    const QString value = QStringLiteral("Xy8Q~not-a-real-secret-%1").arg(QUuid::createUuid().toString());

    const SecretResult written = write(key, value);
    ASSERT_EQ(written.status, SecretStatus::Ok) << written.message.toStdString();

    const SecretResult readBack = read(key);
    ASSERT_EQ(readBack.status, SecretStatus::Ok) << readBack.message.toStdString();
    EXPECT_EQ(readBack.value, value);
    EXPECT_EQ(lookupWithSecretTool(key.entryName()), value);
    EXPECT_TRUE(store->storedEntries().contains(key.entryName()));

    const SecretResult removed = remove(key);
    ASSERT_EQ(removed.status, SecretStatus::Ok) << removed.message.toStdString();
    EXPECT_EQ(read(key).status, SecretStatus::NotFound);
    EXPECT_TRUE(lookupWithSecretTool(key.entryName()).isEmpty());
    EXPECT_FALSE(store->storedEntries().contains(key.entryName()));
}

TEST_F(SecretStoreTest, EntriesAreScopedByProfileAndPurpose) {
    const auto key = SecretKey::konnectToken(profile, kKonnect);
    EXPECT_EQ(key.entryName(), profile + QStringLiteral("/konnect-token/eu.api.konghq.com"));
    EXPECT_NE(SecretKey::konnectToken(profile, QUrl(QStringLiteral("https://konnect.attacker.example"))).entryName(), key.entryName())
        << "a token stored for one Konnect host is never read for another";
    EXPECT_EQ(SecretKey::initialClientSecret(QStringLiteral("p"), QStringLiteral("t"), QStringLiteral("a")).entryName(),
              QStringLiteral("p/initial-client-secret/t/a"));
}

TEST_F(SecretStoreTest, QueuedJobsRunInOrder) {
    const auto key = SecretKey::konnectToken(profile, kKonnect);
    std::optional<SecretResult> first, second, third;
    // Queued back to back without waiting: the read must see the second write, the delete runs last.
    store->write(key, QStringLiteral("kpat_first"), [&](const SecretResult& r) { first = r; });
    store->write(key, QStringLiteral("kpat_second"), [&](const SecretResult& r) { second = r; });
    std::optional<SecretResult> readBack;
    store->read(key, [&](const SecretResult& r) { readBack = r; });
    store->remove(key, [&](const SecretResult& r) { third = r; });
    ASSERT_TRUE(dcr::test::waitUntil([&] { return third.has_value(); }));
    EXPECT_TRUE(first->ok());
    EXPECT_TRUE(second->ok());
    ASSERT_TRUE(readBack->ok()) << readBack->message.toStdString();
    EXPECT_EQ(readBack->value, QStringLiteral("kpat_second"));
    EXPECT_TRUE(third->ok());
}

TEST_F(SecretStoreTest, RefusesValuesLargerThanEveryKeychainHolds) {
    const auto key = SecretKey::graphRefreshToken(profile);
    const SecretResult r = write(key, QString(SecretStore::kMaxValueBytes + 1, QLatin1Char('x')));
    EXPECT_EQ(r.status, SecretStatus::TooLarge);
    EXPECT_FALSE(r.message.isEmpty());
    EXPECT_EQ(read(key).status, SecretStatus::NotFound);
    EXPECT_TRUE(write(key, QString(SecretStore::kMaxValueBytes, QLatin1Char('x'))).ok());
    EXPECT_TRUE(remove(key).ok());
}

TEST_F(SecretStoreTest, ForgetAllRemovesEverythingThisToolStoredAndNothingElse) {
    const auto a = SecretKey::konnectToken(profile, kKonnect);
    const auto b = SecretKey::initialClientSecret(profile, QStringLiteral("t"), QStringLiteral("a"));
    ASSERT_TRUE(write(a, QStringLiteral("kpat_value_a")).ok());
    ASSERT_TRUE(write(b, QStringLiteral("secret_value_b")).ok());
    // An item some other program stored must survive.
    QProcess other;
    other.start(QStringLiteral("secret-tool"), {QStringLiteral("store"), QStringLiteral("--label=other"),
                                                 QStringLiteral("other-app"), profile});
    other.write("keep-me");
    other.closeWriteChannel();
    ASSERT_TRUE(other.waitForFinished(10000));

    auto result = dcr::test::awaitCallback<SecretResult>([&](auto cb) { store->forgetAll(cb); });
    ASSERT_TRUE(result.has_value());
    EXPECT_TRUE(result->ok()) << result->message.toStdString();
    EXPECT_TRUE(store->storedEntries().isEmpty());
    EXPECT_EQ(read(a).status, SecretStatus::NotFound);
    EXPECT_EQ(read(b).status, SecretStatus::NotFound);

    QProcess lookup;
    lookup.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("other-app"), profile});
    ASSERT_TRUE(lookup.waitForFinished(10000));
    EXPECT_EQ(lookup.readAllStandardOutput(), QByteArray("keep-me"));
}

TEST_F(SecretStoreTest, TheIndexHoldsNamesNeverValues) {
    const auto key = SecretKey::konnectToken(profile, kKonnect);
    const QString value = QStringLiteral("kpat_index_must_not_hold_this_value");
    ASSERT_TRUE(write(key, value).ok());
    QFile f(indexFile);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray contents = f.readAll();
    EXPECT_TRUE(contents.contains(profile.toUtf8()));
    EXPECT_FALSE(contents.contains(value.toUtf8()));
    EXPECT_TRUE(remove(key).ok());
}

}  // namespace
