// Runs under tests/support/without-keychain.sh: either no D-Bus session at all, or one in which no
// Secret Service exists. The store must say so distinctly and write the secret nowhere.
#include "secrets/secret_store.h"
#include "support/wait.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>

using dcr::SecretKey;
using dcr::SecretResult;
using dcr::SecretStatus;
using dcr::SecretStore;

namespace {

QStringList filesContaining(const QString& root, const QByteArray& needle) {
    QStringList hits;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            hits << f.fileName();
    }
    return hits;
}

TEST(NoKeychain, WriteAndReadReportNoKeychainAndNothingReachesTheDisk) {
    const QString scratch = qEnvironmentVariable("DCR_TEST_SCRATCH");
    ASSERT_FALSE(scratch.isEmpty()) << "run through tests/support/without-keychain.sh";
    SecretStore store(QDir(scratch).filePath(QStringLiteral("config/index.ini")));
    const auto key = SecretKey::initialClientSecret(QStringLiteral("demo"), QStringLiteral("t"), QStringLiteral("a"));
    const QByteArray value = "nokeychain-secret-value-8f1c2e";

    auto written = dcr::test::awaitCallback<SecretResult>(
        [&](auto cb) { store.write(key, QString::fromLatin1(value), cb); });
    ASSERT_TRUE(written.has_value());
    EXPECT_EQ(written->status, SecretStatus::NoKeychain);
    EXPECT_TRUE(written->message.contains(QStringLiteral("No keychain"))) << written->message.toStdString();

    auto readBack = dcr::test::awaitCallback<SecretResult>([&](auto cb) { store.read(key, cb); });
    ASSERT_TRUE(readBack.has_value());
    EXPECT_EQ(readBack->status, SecretStatus::NoKeychain);
    EXPECT_TRUE(readBack->value.isEmpty());

    EXPECT_TRUE(store.storedEntries().isEmpty());
    EXPECT_EQ(filesContaining(scratch, value), QStringList());
}

// The same write handed straight to QtKeychain, without the store's own look at the bus first: with
// no Secret Service it must refuse by itself, and nothing of the secret may reach the disk.
TEST(NoKeychain, QtKeychainItselfRefusesAndNothingReachesTheDisk) {
    const QString scratch = qEnvironmentVariable("DCR_TEST_SCRATCH");
    ASSERT_FALSE(scratch.isEmpty()) << "run through tests/support/without-keychain.sh";
    SecretStore store(QDir(scratch).filePath(QStringLiteral("config/direct.ini")), SecretStore::BackendCheck::Skip);
    const auto key = SecretKey::initialClientSecret(QStringLiteral("direct"), QStringLiteral("t"), QStringLiteral("a"));
    const QByteArray value = "straight-to-qtkeychain-value-5d9a1b";
    auto written = dcr::test::awaitCallback<SecretResult>([&](auto cb) { store.write(key, QString::fromLatin1(value), cb); }, 60000);
    ASSERT_TRUE(written.has_value()) << "QtKeychain never answered";
    EXPECT_NE(written->status, SecretStatus::Ok) << "a keychain took the secret where none exists";
    auto readBack = dcr::test::awaitCallback<SecretResult>([&](auto cb) { store.read(key, cb); }, 60000);
    ASSERT_TRUE(readBack.has_value());
    EXPECT_TRUE(readBack->value.isEmpty());
    EXPECT_EQ(filesContaining(scratch, value), QStringList()) << "the secret reached the disk";
}

}  // namespace
