// Transport security against a real server: dcr-sandbox serving HTTPS with a certificate from a
// throwaway CA made for this test (openssl CLI). The client refuses it while the CA is unknown, and
// accepts the same server once the CA is trusted, which shows the refusal is about trust; and no
// request leaves for plain http:// to another host.
#include "core/http_client.h"
#include "support/wait.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>

#include <optional>

namespace {

using dcr::test::waitUntil;

struct Outcome {
    dcr::HttpResponse response;
    std::optional<dcr::Error> error;
};

// Runs openssl with args in dir; empty on success, otherwise what it said.
QString openssl(const QString& dir, const QStringList& args) {
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QStringLiteral("openssl %1: %2").arg(args.join(QLatin1Char(' ')), QString::fromUtf8(p.readAllStandardError()));
    return {};
}

class TlsTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        // One CA and server certificate for the whole suite: RSA key generation is the slow part.
        pki = new QTemporaryDir;
        ASSERT_TRUE(pki->isValid());
        const QString dir = pki->path();
        QFile ext(pki->filePath(QStringLiteral("server.ext")));
        ASSERT_TRUE(ext.open(QIODevice::WriteOnly));
        ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                  "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        ext.close();
        for (const QStringList& args : {
                 QStringList{"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj",
                             "/CN=dcr-wizard throwaway test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                             "keyUsage=critical,keyCertSign,cRLSign"},
                 QStringList{"req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"},
                 QStringList{"x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
                             "-days", "2", "-extfile", "server.ext"},
             }) {
            const QString failure = openssl(dir, args);
            ASSERT_TRUE(failure.isEmpty()) << failure.toStdString();
        }
    }
    static void TearDownTestSuite() {
        delete pki;
        pki = nullptr;
    }

    void SetUp() override {
        ASSERT_NE(pki, nullptr);
        defaults = QSslConfiguration::defaultConfiguration();
        sandbox.setProgram(QStringLiteral(DCR_SANDBOX_BIN));
        sandbox.setArguments({QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--tls-cert"), pki->filePath(QStringLiteral("server.pem")),
                              QStringLiteral("--tls-key"), pki->filePath(QStringLiteral("server.key"))});
        sandbox.start();
        ASSERT_TRUE(sandbox.waitForStarted(10000));
        ASSERT_TRUE(waitUntil([&] { return sandbox.canReadLine() || sandbox.state() == QProcess::NotRunning; }, 30000));
        base = QJsonDocument::fromJson(sandbox.readLine()).object().value(QStringLiteral("base_url")).toString();
        ASSERT_TRUE(base.startsWith(QLatin1String("https://127.0.0.1:"))) << base.toStdString() << sandbox.readAllStandardError().toStdString();
    }

    void TearDown() override {
        QSslConfiguration::setDefaultConfiguration(defaults);
        sandbox.kill();
        sandbox.waitForFinished(5000);
    }

    // A GET through a fresh manager, so that no connection or TLS session carries over.
    Outcome get(const QString& url) {
        QNetworkAccessManager network;
        dcr::HttpClient client(&network);
        dcr::RetryPolicy::Config once;
        once.maxAttempts = 1;
        client.setRetryConfig(once);
        std::optional<Outcome> outcome;
        dcr::HttpRequest request;
        request.url = QUrl(url);
        client.send(request, [&](const dcr::HttpResponse& r, const std::optional<dcr::Error>& e) { outcome = Outcome{r, e}; });
        EXPECT_TRUE(waitUntil([&] { return outcome.has_value(); }, 20000));
        return outcome.value_or(Outcome{});
    }

    static void trustTheThrowawayCa() {
        QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
        QList<QSslCertificate> cas = trusting.caCertificates();
        cas += QSslCertificate::fromPath(pki->filePath(QStringLiteral("ca.pem")));
        trusting.setCaCertificates(cas);
        QSslConfiguration::setDefaultConfiguration(trusting);
    }

    static QTemporaryDir* pki;
    QSslConfiguration defaults;
    QProcess sandbox;
    QString base;
};

QTemporaryDir* TlsTest::pki = nullptr;

TEST_F(TlsTest, AnUntrustedCertificateIsRefusedWithAClearErrorAndARemedy) {
    const Outcome refused = get(base + QStringLiteral("/_sandbox/info"));
    ASSERT_TRUE(refused.error.has_value());
    EXPECT_EQ(refused.response.status, 0);
    EXPECT_EQ(refused.error->code, QStringLiteral("network.tls_untrusted")) << refused.error->message().toStdString();
    EXPECT_TRUE(refused.error->what.contains(QStringLiteral("certificate is not trusted"))) << refused.error->what.toStdString();
    EXPECT_TRUE(refused.error->what.contains(QStringLiteral("127.0.0.1"))) << refused.error->what.toStdString();
    EXPECT_TRUE(refused.error->remedy.contains(QStringLiteral("CA certificate"))) << refused.error->remedy.toStdString();
    EXPECT_FALSE(refused.error->retryable);
}

TEST_F(TlsTest, TheSameServerIsAcceptedOnceItsCaIsTrusted) {
    ASSERT_TRUE(get(base + QStringLiteral("/_sandbox/info")).error.has_value());
    trustTheThrowawayCa();
    const Outcome accepted = get(base + QStringLiteral("/_sandbox/info"));
    ASSERT_FALSE(accepted.error.has_value()) << accepted.error->message().toStdString();
    EXPECT_EQ(accepted.response.status, 200);
    EXPECT_EQ(accepted.response.json().value(QStringLiteral("base_url")).toString(), base);
}

TEST_F(TlsTest, TheUnattendedRunRefusesTheUntrustedSandboxAndSaysWhy) {
    QTemporaryDir scratch;
    ASSERT_TRUE(scratch.isValid());
    QProcess wizard;
    wizard.start(QStringLiteral(DCR_WIZARD_BIN),
                 {QStringLiteral("--unattended"), QStringLiteral("--profile"), QStringLiteral(DCR_SOURCE_DIR "/resources/profiles/sandbox-demo.json"),
                  QStringLiteral("--sandbox-url"), base, QStringLiteral("--state-file"), scratch.filePath(QStringLiteral("state.json"))});
    ASSERT_TRUE(wizard.waitForFinished(60000));
    const QString err = QString::fromUtf8(wizard.readAllStandardError());
    EXPECT_NE(wizard.exitCode(), 0);
    EXPECT_TRUE(err.contains(QStringLiteral("certificate is not trusted"))) << err.toStdString();
    EXPECT_TRUE(err.contains(QStringLiteral("CA certificate"))) << err.toStdString();
    EXPECT_FALSE(QFile::exists(scratch.filePath(QStringLiteral("state.json")))) << "nothing may have been done";
}

TEST(Transport, PlainHttpToAnotherHostIsRefusedBeforeAnyTraffic) {
    QNetworkAccessManager network;
    dcr::HttpClient client(&network);
    int attempts = 0;
    QObject::connect(&client, &dcr::HttpClient::attemptFinished, [&](const dcr::HttpAttempt&) { ++attempts; });
    std::optional<Outcome> outcome;
    dcr::HttpRequest request;
    // TEST-NET-1: documentation only, never routed; nothing may be sent there anyway.
    request.url = QUrl(QStringLiteral("http://192.0.2.10/graph/v1.0/organization"));
    client.send(request, [&](const dcr::HttpResponse& r, const std::optional<dcr::Error>& e) { outcome = Outcome{r, e}; });
    ASSERT_TRUE(waitUntil([&] { return outcome.has_value(); }, 5000));
    ASSERT_TRUE(outcome->error.has_value());
    EXPECT_EQ(outcome->error->code, QStringLiteral("insecure_url"));
    EXPECT_TRUE(outcome->error->what.contains(QStringLiteral("only https://"))) << outcome->error->what.toStdString();
    EXPECT_EQ(attempts, 0);
}

TEST(Transport, TheUnattendedRunRefusesASandboxUrlOnAnotherHost) {
    QProcess wizard;
    wizard.start(QStringLiteral(DCR_WIZARD_BIN), {QStringLiteral("--unattended"), QStringLiteral("--profile"),
                                                  QStringLiteral(DCR_SOURCE_DIR "/resources/profiles/sandbox-demo.json"),
                                                  QStringLiteral("--sandbox-url"), QStringLiteral("http://192.0.2.10:8080")});
    ASSERT_TRUE(wizard.waitForFinished(20000));
    EXPECT_EQ(wizard.exitCode(), 2);
    EXPECT_TRUE(wizard.readAllStandardError().contains("address on this machine"));
}

}  // namespace
