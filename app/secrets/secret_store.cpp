#include "secrets/secret_store.h"

#include <QSettings>
#include <qt6keychain/keychain.h>

#ifdef Q_OS_LINUX
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#endif

namespace dcr {

namespace {
constexpr auto kIndexGroup = "secrets";
constexpr auto kIndexKey = "entries";
constexpr auto kSecretServiceName = "org.freedesktop.secrets";

SecretResult resultFrom(const QKeychain::Job& job) {
    SecretResult r;
    switch (job.error()) {
    case QKeychain::NoError:
        r.status = SecretStatus::Ok;
        return r;
    case QKeychain::EntryNotFound:
        r.status = SecretStatus::NotFound;
        break;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        r.status = SecretStatus::AccessDenied;
        break;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        r.status = SecretStatus::NoKeychain;
        break;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        // libsecret reports a locked collection as a plain error string.
        r.status = job.errorString().contains(QLatin1String("locked"), Qt::CaseInsensitive)
                       ? SecretStatus::AccessDenied
                       : SecretStatus::Failed;
        break;
    }
    r.message = describe(r.status);
    if (r.status == SecretStatus::Failed && !job.errorString().isEmpty())
        r.message += QStringLiteral(" (%1)").arg(job.errorString());
    return r;
}

SecretResult failure(SecretStatus status) {
    return SecretResult{status, {}, describe(status)};
}
}  // namespace

QString SecretKey::entryName() const { return profile + QLatin1Char('/') + purpose; }

SecretKey SecretKey::initialClientSecret(const QString& profile, const QString& tenantId, const QString& appId) {
    return {profile, QStringLiteral("initial-client-secret/%1/%2").arg(tenantId, appId)};
}

SecretKey SecretKey::konnectToken(const QString& profile, const QUrl& konnect) {
    const QString host = konnect.port() < 0 ? konnect.host().toLower() : QStringLiteral("%1:%2").arg(konnect.host().toLower()).arg(konnect.port());
    return {profile, QStringLiteral("konnect-token/") + host};
}

SecretKey SecretKey::graphRefreshToken(const QString& profile) {
    return {profile, QStringLiteral("graph-refresh-token")};
}

QString describe(SecretStatus status) {
    switch (status) {
    case SecretStatus::Ok:
        return QObject::tr("Done.");
    case SecretStatus::NotFound:
        return QObject::tr("Nothing is stored in the keychain under this name.");
    case SecretStatus::AccessDenied:
        return QObject::tr("The keychain is locked or refused access. Unlock it (or allow dcr-wizard) and try again.");
    case SecretStatus::NoKeychain:
        return QObject::tr("No keychain is available on this system (no Secret Service is running). "
                           "Copy the secret now and keep it somewhere safe: it will not be shown again.");
    case SecretStatus::TooLarge:
        return QObject::tr("The value is larger than %1 bytes, more than every platform's keychain can hold.")
            .arg(SecretStore::kMaxValueBytes);
    case SecretStatus::Failed:
        return QObject::tr("The keychain reported an error.");
    }
    return {};
}

SecretStore::SecretStore(QString indexFile, BackendCheck check, QObject* parent)
    : QObject(parent), m_indexFile(std::move(indexFile)), m_backendKnownPresent(check == BackendCheck::Skip) {}

void SecretStore::write(const SecretKey& key, const QString& value, Callback done) {
    if (value.toUtf8().size() > kMaxValueBytes) {
        done(failure(SecretStatus::TooLarge));
        return;
    }
    enqueue({Op::Write, key.entryName(), value, std::move(done)});
}

void SecretStore::read(const SecretKey& key, Callback done) { enqueue({Op::Read, key.entryName(), {}, std::move(done)}); }

void SecretStore::remove(const SecretKey& key, Callback done) {
    enqueue({Op::Remove, key.entryName(), {}, std::move(done)});
}

void SecretStore::forgetAll(Callback done) {
    const QStringList entries = storedEntries();
    if (entries.isEmpty()) {
        done(SecretResult{SecretStatus::Ok, {}, {}});
        return;
    }
    // Collect every outcome; the last removal reports the first real failure, if any.
    auto firstFailure = std::make_shared<SecretResult>(SecretResult{SecretStatus::Ok, {}, {}});
    for (int i = 0; i < entries.size(); ++i) {
        const bool last = i == entries.size() - 1;
        enqueue({Op::Remove, entries.at(i), {}, [firstFailure, last, done](const SecretResult& r) {
                     if (!r.ok() && r.status != SecretStatus::NotFound && firstFailure->ok())
                         *firstFailure = r;
                     if (last)
                         done(*firstFailure);
                 }});
    }
}

QStringList SecretStore::storedEntries() const {
    QSettings settings = m_indexFile.isEmpty() ? QSettings() : QSettings(m_indexFile, QSettings::IniFormat);
    settings.beginGroup(QLatin1String(kIndexGroup));
    return settings.value(QLatin1String(kIndexKey)).toStringList();
}

void SecretStore::recordInIndex(const QString& entry, bool present) {
    QSettings settings = m_indexFile.isEmpty() ? QSettings() : QSettings(m_indexFile, QSettings::IniFormat);
    settings.beginGroup(QLatin1String(kIndexGroup));
    QStringList entries = settings.value(QLatin1String(kIndexKey)).toStringList();
    if (present && !entries.contains(entry))
        entries.append(entry);
    if (!present)
        entries.removeAll(entry);
    if (entries.isEmpty())
        settings.remove(QLatin1String(kIndexKey));
    else
        settings.setValue(QLatin1String(kIndexKey), entries);
}

void SecretStore::enqueue(Job job) {
    m_queue.push_back(std::move(job));
    if (!m_busy)
        startNext();
}

void SecretStore::startNext() {
    if (m_queue.empty()) {
        m_busy = false;
        return;
    }
    m_busy = true;
    checkBackendThen([this](bool available) {
        if (!available) {
            finish(failure(SecretStatus::NoKeychain));
            return;
        }
        runJob(m_queue.front());
    });
}

void SecretStore::runJob(const Job& job) {
    QKeychain::Job* kjob = nullptr;
    switch (job.op) {
    case Op::Write: {
        auto* w = new QKeychain::WritePasswordJob(QLatin1String(kServiceName), this);
        w->setTextData(job.value);
        kjob = w;
        break;
    }
    case Op::Read:
        kjob = new QKeychain::ReadPasswordJob(QLatin1String(kServiceName), this);
        break;
    case Op::Remove:
        kjob = new QKeychain::DeletePasswordJob(QLatin1String(kServiceName), this);
        break;
    }
    // A plaintext file is no keychain: refuse rather than silently write the secret to disk.
    kjob->setInsecureFallback(false);
    kjob->setAutoDelete(true);  // QtKeychain deletes the job after finished(); never delete it here
    kjob->setKey(job.entry);
    connect(kjob, &QKeychain::Job::finished, this, [this](QKeychain::Job* finishedJob) {
        SecretResult result = resultFrom(*finishedJob);
        if (auto* reader = qobject_cast<QKeychain::ReadPasswordJob*>(finishedJob); reader && result.ok())
            result.value = reader->textData();
        finish(result);
    });
    kjob->start();
}

void SecretStore::finish(const SecretResult& result) {
    Job job = std::move(m_queue.front());
    m_queue.pop_front();
    if (result.ok() && job.op == Op::Write)
        recordInIndex(job.entry, true);
    if (job.op == Op::Remove && (result.ok() || result.status == SecretStatus::NotFound))
        recordInIndex(job.entry, false);
    job.done(result);
    startNext();
}

void SecretStore::checkBackendThen(std::function<void(bool available)> next) {
#ifdef Q_OS_LINUX
    // QtKeychain's libsecret backend would otherwise fail late with an opaque error (or try to
    // autolaunch a bus); ask the session bus first whether a Secret Service exists or can be started.
    if (m_backendKnownPresent) {
        next(true);
        return;
    }
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        next(false);
        return;
    }
    auto call = QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.DBus"), QStringLiteral("/org/freedesktop/DBus"),
                                               QStringLiteral("org.freedesktop.DBus"), QStringLiteral("ListActivatableNames"));
    auto owner = QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.DBus"), QStringLiteral("/org/freedesktop/DBus"),
                                                QStringLiteral("org.freedesktop.DBus"), QStringLiteral("NameHasOwner"));
    owner << QString::fromLatin1(kSecretServiceName);
    auto* ownerWatch = new QDBusPendingCallWatcher(bus.asyncCall(owner), this);
    connect(ownerWatch, &QDBusPendingCallWatcher::finished, this, [this, bus, call, next](QDBusPendingCallWatcher* w) {
        w->deleteLater();
        QDBusPendingReply<bool> hasOwner = *w;
        if (!hasOwner.isError() && hasOwner.value()) {
            m_backendKnownPresent = true;
            next(true);
            return;
        }
        auto* activatableWatch = new QDBusPendingCallWatcher(bus.asyncCall(call), this);
        connect(activatableWatch, &QDBusPendingCallWatcher::finished, this, [this, next](QDBusPendingCallWatcher* a) {
            a->deleteLater();
            QDBusPendingReply<QStringList> names = *a;
            const bool present = !names.isError() && names.value().contains(QString::fromLatin1(kSecretServiceName));
            m_backendKnownPresent = present;
            next(present);
        });
    });
#else
    next(true);
#endif
}

}  // namespace dcr
