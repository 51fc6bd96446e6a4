// dcr-sandbox: the offline imitation of Azure and Konnect as a process of its own, for demos on
// another screen and for tests that need a separate process.
#include "core/process_hardening.h"
#include "core/version.h"
#include "sandbox/sandbox.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>

#include <cstdio>

namespace {

bool readJsonFile(const QString& path, QJsonDocument* out, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    *out = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("%1 is not valid JSON: %2").arg(path, parseError.errorString());
        return false;
    }
    return true;
}

int fail(const QString& message) {
    fprintf(stderr, "dcr-sandbox: %s\n", qPrintable(message));
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    // It signs tokens and holds every secret of its imitated tenant: no core dumps, not dumpable.
    dcr::hardenProcess();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("dcr-sandbox"));
    QCoreApplication::setApplicationVersion(QLatin1String(dcr::kVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Serves an offline imitation of Microsoft Entra ID, Microsoft Graph, Kong Konnect, a Dev Portal and a "
        "gateway on 127.0.0.1 (over HTTPS with --tls-cert and --tls-key), for demos and tests. Prints one JSON line with the base URLs and the "
        "sandbox-only credentials on standard output once it is listening."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption port(QStringLiteral("port"), QStringLiteral("Port to listen on (0: any free port)."),
                            QStringLiteral("N"), QStringLiteral("8080"));
    QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("JSON file that changes the seeded objects."),
                            QStringLiteral("FILE"));
    QCommandLineOption faults(QStringLiteral("faults"), QStringLiteral("JSON file of faults to inject."),
                              QStringLiteral("FILE"));
    QCommandLineOption tlsCert(QStringLiteral("tls-cert"),
                               QStringLiteral("Serve HTTPS with this PEM certificate (chain, leaf first); needs --tls-key."),
                               QStringLiteral("FILE"));
    QCommandLineOption tlsKey(QStringLiteral("tls-key"), QStringLiteral("The unencrypted PEM private key of --tls-cert."),
                              QStringLiteral("FILE"));
    parser.addOptions({port, seed, faults, tlsCert, tlsKey});
    parser.process(app);

    bool portOk = false;
    const uint portNumber = parser.value(port).toUInt(&portOk);
    if (!portOk || portNumber > 65535)
        return fail(QStringLiteral("--port takes a number from 0 to 65535"));

    dcr::sandbox::Seed initial;
    QString error;
    if (parser.isSet(seed)) {
        QJsonDocument doc;
        if (!readJsonFile(parser.value(seed), &doc, &error))
            return fail(error);
        auto parsed = dcr::sandbox::Seed::fromJson(doc.object(), &error);
        if (!parsed)
            return fail(error);
        initial = *parsed;
    }

    dcr::sandbox::Sandbox sandbox(initial);
    if (parser.isSet(faults)) {
        QJsonDocument doc;
        if (!readJsonFile(parser.value(faults), &doc, &error) || !sandbox.state().faults.load(doc, &error))
            return fail(error);
    }
    if (parser.isSet(tlsCert) != parser.isSet(tlsKey))
        return fail(QStringLiteral("--tls-cert and --tls-key go together"));
    if (parser.isSet(tlsCert) && !sandbox.server().useTls(parser.value(tlsCert), parser.value(tlsKey), &error))
        return fail(error);
    if (sandbox.listen(QHostAddress::LocalHost, static_cast<quint16>(portNumber)) == 0)
        return fail(QStringLiteral("cannot listen on 127.0.0.1:%1 (is it in use?)").arg(portNumber));

    printf("%s\n", QJsonDocument(sandbox.info()).toJson(QJsonDocument::Compact).constData());
    fflush(stdout);
    return app.exec();
}
