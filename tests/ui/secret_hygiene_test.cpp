// Secret hygiene of the wizard: a full run through the real widgets against the embedded sandbox,
// with every place the wizard can write to (HOME, the XDG directories, TMPDIR, QSettings) moved into
// a throwaway directory first, so that afterwards every file it wrote can be searched for the
// secrets the run handled. The values come from the wire (every answer on the wizard's own
// QNetworkAccessManager) and from the keychain, so the test knows exactly what it looks for.
// On failure it says where a secret was found, never the secret.
#include "ui/wizard_driver.h"

#include "wizard/run_controller.h"
#include "wizard/run_log.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QDirIterator>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

namespace {

using dcr::test::WizardDriver;
using dcr::test::waitUntil;
using PageId = dcr::ui::SetupWizard::PageId;

constexpr int kApplyTimeoutMs = 180000;

// Everything the process logged through Qt while the test ran, from any thread (the sandbox has its own).
QMutex messagesMutex;
QStringList messages;

void collectMessage(QtMsgType, const QMessageLogContext&, const QString& message) {
    QMutexLocker lock(&messagesMutex);
    messages << message;
}

// Values of secret-bearing keys anywhere in a JSON document: OAuth token answers, Graph's
// addPassword answer, a portal application's credentials.
void collectSecrets(const QJsonValue& value, std::map<QString, QString>* secrets) {
    static const QStringList kSecretKeys{QStringLiteral("access_token"), QStringLiteral("refresh_token"), QStringLiteral("id_token"),
                                         QStringLiteral("secretText"), QStringLiteral("client_secret"), QStringLiteral("clientSecret")};
    if (value.isArray()) {
        for (const QJsonValue& item : value.toArray())
            collectSecrets(item, secrets);
        return;
    }
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.value().isString() && kSecretKeys.contains(it.key()) && it.value().toString().size() >= 8)
            secrets->emplace(it.value().toString(), it.key());
        else
            collectSecrets(it.value(), secrets);
    }
}

class SecretHygieneTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(root.isValid());
        // Everything the wizard may write goes below root from now on: QSettings, the XDG
        // locations, and QTemporaryDir (the sandbox run's state file).
        for (const char* dir : {"home", "config", "data", "cache", "tmp", "exports"})
            ASSERT_TRUE(QDir(root.path()).mkpath(QLatin1String(dir)));
        saved = {{"HOME", qgetenv("HOME")}, {"XDG_CONFIG_HOME", qgetenv("XDG_CONFIG_HOME")}, {"XDG_DATA_HOME", qgetenv("XDG_DATA_HOME")},
                 {"XDG_CACHE_HOME", qgetenv("XDG_CACHE_HOME")}, {"TMPDIR", qgetenv("TMPDIR")}};
        qputenv("HOME", root.filePath(QStringLiteral("home")).toUtf8());
        qputenv("XDG_CONFIG_HOME", root.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", root.filePath(QStringLiteral("data")).toUtf8());
        qputenv("XDG_CACHE_HOME", root.filePath(QStringLiteral("cache")).toUtf8());
        qputenv("TMPDIR", root.filePath(QStringLiteral("tmp")).toUtf8());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, root.filePath(QStringLiteral("config")));
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, root.filePath(QStringLiteral("config")));
        QSettings().clear();
        previousHandler = qInstallMessageHandler(collectMessage);

        driver = std::make_unique<WizardDriver>();
        // Answers are peeked at, not read: the wizard's own HttpClient still reads them whole.
        QObject::connect(&driver->wizard->controller().network(), &QNetworkAccessManager::finished, driver->wizard.get(),
                         [this](QNetworkReply* reply) {
                             const QJsonDocument doc = QJsonDocument::fromJson(reply->peek(reply->bytesAvailable()));
                             collectSecrets(doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object()), &wire);
                         });
        ASSERT_TRUE(driver->waitForSandbox()) << "the embedded sandbox did not start";
    }

    void TearDown() override {
        driver.reset();
        qInstallMessageHandler(previousHandler);
        for (const auto& [name, value] : saved) {
            if (value.isNull())
                qunsetenv(name);
            else
                qputenv(name, value);
        }
    }

    QString text(const char* labelName) const { return driver->find<QLabel>(labelName)->text(); }

    // Saves through the Summary page's export button and its (non-modal) file dialog.
    bool exportThroughDialog(const char* buttonName, const char* dialogName, const QString& path) {
        driver->click(buttonName);
        QFileDialog* dialog = nullptr;
        waitUntil([&] { return (dialog = driver->find<QFileDialog>(dialogName)) != nullptr && dialog->isVisible(); });
        if (!dialog)
            return false;
        dialog->selectFile(path);
        static_cast<QDialog*>(dialog)->accept();  // QFileDialog's override is protected; this is what its Save button calls
        return waitUntil([&] { return QFile::exists(path) && QFileInfo(path).size() > 0; });
    }

    static QByteArray keychainLookup(const QString& user) {
        QProcess lookup;
        lookup.start(QStringLiteral("secret-tool"),
                     {QStringLiteral("lookup"), QStringLiteral("server"), QStringLiteral("dcr-wizard"), QStringLiteral("user"), user});
        lookup.waitForFinished(10000);
        return lookup.readAllStandardOutput().trimmed();
    }

    QTemporaryDir root;
    std::map<const char*, QByteArray> saved;
    QtMessageHandler previousHandler = nullptr;
    std::unique_ptr<WizardDriver> driver;
    std::map<QString, QString> wire;  // secret value → the JSON key it came in
};

TEST_F(SecretHygieneTest, NoSecretOfAFullRunIsInAnyFileTheLogTheClipboardOrArgv) {
    ASSERT_TRUE(driver->advanceTo(PageId::Apply));
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs)) << "the setup did not finish";
    ASSERT_TRUE(driver->advanceTo(PageId::Summary));
    ASSERT_TRUE(exportThroughDialog("exportProfileButton", "exportProfileDialog", root.filePath(QStringLiteral("exports/profile.json"))));
    ASSERT_TRUE(exportThroughDialog("exportReportButton", "exportReportDialog", root.filePath(QStringLiteral("exports/report.md"))));
    driver->click("applyCopyLogButton");

    // What to look for: the client secret from the keychain, every token and secret that crossed
    // the wire, and the seeded credentials the wizard was given.
    const QJsonObject ids = driver->wizard->controller().run().outputs();
    const QByteArray clientSecret = keychainLookup(QStringLiteral("sandbox-demo/initial-client-secret/%1/%2")
                                                       .arg(ids.value(QStringLiteral("tenant_id")).toString(), ids.value(QStringLiteral("app_id")).toString()));
    ASSERT_GE(clientSecret.size(), 16) << "the client secret is not in the keychain";
    int accessTokens = 0;
    int refreshTokens = 0;
    for (const auto& [value, key] : wire) {
        accessTokens += key == QLatin1String("access_token") ? 1 : 0;
        refreshTokens += key == QLatin1String("refresh_token") ? 1 : 0;
    }
    EXPECT_GE(accessTokens, 2) << "expected the Graph sign-in's and the validation's access tokens on the wire";
    EXPECT_GE(refreshTokens, 1) << "expected the Graph sign-in's refresh token on the wire";
    EXPECT_TRUE(wire.count(QString::fromUtf8(clientSecret)) == 1) << "the keychain's client secret is not the one Graph issued";

    std::map<QString, QString> secrets = wire;
    secrets.emplace(QString::fromUtf8(clientSecret), QStringLiteral("client secret (keychain)"));
    secrets.emplace(driver->info.value(QStringLiteral("konnect_personal_token")).toString(), QStringLiteral("Konnect token"));
    secrets.emplace(driver->info.value(QStringLiteral("developer_password")).toString(), QStringLiteral("portal developer password"));

    // Where to look: every file below the throwaway root (config, state, exports), the log pane,
    // the run log, the clipboard, what the process logged, and its command line.
    std::map<QString, QByteArray> places;
    int files = 0;
    QDirIterator it(root.path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << "cannot read " << path.toStdString();
        places.emplace(QDir(root.path()).relativeFilePath(path), file.readAll());
        ++files;
    }
    const QString settingsFile = QSettings().fileName();
    EXPECT_TRUE(places.count(QDir(root.path()).relativeFilePath(settingsFile)) == 1)
        << "the wizard's settings are not below the throwaway root: " << settingsFile.toStdString();
    EXPECT_TRUE(places.count(QStringLiteral("exports/profile.json")) == 1 && places.count(QStringLiteral("exports/report.md")) == 1);
    const auto stateFile = std::find_if(places.begin(), places.end(), [](const auto& p) { return p.first.startsWith(QLatin1String("tmp/")); });
    EXPECT_TRUE(stateFile != places.end()) << "the run's state file is not below the throwaway TMPDIR";
    places.emplace(QStringLiteral("the log pane"), driver->find<QPlainTextEdit>("applyLog")->toPlainText().toUtf8());
    places.emplace(QStringLiteral("the run log"), driver->wizard->controller().log().text().toUtf8());
    places.emplace(QStringLiteral("the clipboard"), QApplication::clipboard()->text().toUtf8());
    {
        QMutexLocker lock(&messagesMutex);
        places.emplace(QStringLiteral("the Qt log messages"), messages.join(QLatin1Char('\n')).toUtf8());
    }
    QFile cmdline(QStringLiteral("/proc/self/cmdline"));
    ASSERT_TRUE(cmdline.open(QIODevice::ReadOnly));
    places.emplace(QStringLiteral("argv"), cmdline.readAll());
    ASSERT_FALSE(places.at(QStringLiteral("the log pane")).isEmpty());

    QStringList hits;
    for (const auto& [secret, what] : secrets) {
        ASSERT_FALSE(secret.isEmpty()) << what.toStdString() << " is empty";
        const QByteArray raw = secret.toUtf8();
        const QByteArray encoded = QUrl::toPercentEncoding(secret);
        for (const auto& [where, content] : places) {
            if (content.contains(raw) || content.contains(encoded))
                hits << QStringLiteral("%1 found in %2").arg(what, where);
        }
    }
    EXPECT_TRUE(hits.isEmpty()) << hits.join(QLatin1Char('\n')).toStdString();
    EXPECT_GE(files, 4) << "searched too few files for the search to mean anything";
}

}  // namespace
