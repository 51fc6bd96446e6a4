#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <deque>
#include <functional>

namespace dcr {

// Where a secret belongs: one profile, one purpose. The keychain entry is named
// "dcr-wizard/<profile>/<purpose>" so that entries from different setups never collide.
struct SecretKey {
    QString profile;
    QString purpose;

    QString entryName() const;  // "<profile>/<purpose>", the account part under the service
    static SecretKey initialClientSecret(const QString& profile, const QString& tenantId, const QString& appId);
    // Scoped by the Konnect host it is for: a token is only ever read for (and so sent to) the
    // host it was stored for, whatever address a profile received from elsewhere names.
    static SecretKey konnectToken(const QString& profile, const QUrl& konnect);
    static SecretKey graphRefreshToken(const QString& profile);
};

enum class SecretStatus {
    Ok,            // written, read or deleted as asked
    NotFound,      // nothing stored under that key
    AccessDenied,  // the keychain is locked or refused access
    NoKeychain,    // no keychain on this system (no D-Bus session or no Secret Service provider)
    TooLarge,      // the value exceeds what every platform's keychain can hold
    Failed,        // anything else; message says what
};

struct SecretResult {
    SecretStatus status = SecretStatus::Failed;
    QString value;    // only for a successful read
    QString message;  // a sentence for the user when status is not Ok
    bool ok() const { return status == SecretStatus::Ok; }
};

// Keeps the wizard's secrets in the operating system's keychain through QtKeychain, one job at a
// time (the Secret Service serialises anyway, and order matters for write-then-read). Never uses
// QtKeychain's plaintext fallback: when there is no keychain the caller gets NoKeychain and must
// let the user copy the secret instead. An index of entry *names* (never values) is kept in a
// settings file so that "forget all my secrets" can find everything this tool stored.
class SecretStore : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const SecretResult&)>;

    static constexpr int kMaxValueBytes = 2560;  // Windows Credential Manager's cap in QtKeychain 0.13
    static constexpr const char* kServiceName = "dcr-wizard";

    // indexFile: the INI file that records which entries exist. Empty means the application's
    // default settings location.
    // BackendCheck::FirstAskTheBus (the default) asks the session bus whether a Secret Service
    // exists before the first job, so that its absence is told plainly; Skip hands every job to
    // QtKeychain as it is, whose own refusal (never its plaintext fallback) is then the answer.
    enum class BackendCheck { FirstAskTheBus, Skip };
    explicit SecretStore(QString indexFile = {}, QObject* parent = nullptr) : SecretStore(std::move(indexFile), BackendCheck::FirstAskTheBus, parent) {}
    SecretStore(QString indexFile, BackendCheck check, QObject* parent = nullptr);

    void write(const SecretKey& key, const QString& value, Callback done);
    void read(const SecretKey& key, Callback done);
    void remove(const SecretKey& key, Callback done);
    // Deletes every entry the index names; reports the first failure, or Ok.
    void forgetAll(Callback done);

    QStringList storedEntries() const;

private:
    enum class Op { Write, Read, Remove };
    struct Job {
        Op op;
        QString entry;
        QString value;
        Callback done;
    };

    void enqueue(Job job);
    void startNext();
    void runJob(const Job& job);
    void finish(const SecretResult& result);
    void checkBackendThen(std::function<void(bool available)> next);
    void recordInIndex(const QString& entry, bool present);

    QString m_indexFile;
    std::deque<Job> m_queue;
    bool m_busy = false;
    bool m_backendKnownPresent = false;
};

QString describe(SecretStatus status);

}  // namespace dcr
