#pragma once

#include "engine/runner.h"
#include "engine/step.h"

#include <QAbstractTableModel>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QTimer>

#include <optional>

namespace dcr::wizard {

// The steps of one run of the plan as rows, for the Review (dry run), Apply and Validate pages:
// the step, its live status (counting down while it waits to repeat a request), how long it took
// (ticking while it runs) and what it did or what went wrong.
class StepListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TitleColumn, StatusColumn, ElapsedColumn, DetailsColumn, ColumnCount };
    enum Role {
        StepIdRole = Qt::UserRole + 1,  // QString
        StatusRole,                     // engine::StepStatus as int
        OptionalRole,                   // bool
    };

    struct Row {
        engine::Step step;  // actions are not used here, only id, title, description, optional
        engine::StepStatus status = engine::StepStatus::Pending;
        engine::StepResult result;
        qint64 elapsedMs = -1;  // -1: not finished
        QElapsedTimer clock;    // while running
        QDeadlineTimer retryAt{QDeadlineTimer::Forever};  // while the step waits to repeat a request
        QString retryReason;
    };

    explicit StepListModel(QObject* parent = nullptr);

    // A dry run describes each step by what it would do ("create", "adopt"…) instead of its status.
    void reset(const engine::Plan& plan, bool dryRun);
    void stepStarted(const QString& stepId);
    void stepFinished(const QString& stepId, const engine::StepResult& result, qint64 elapsedMs);
    // The runner's own statuses, for steps it settles without signals (resumed, skipped in cleanup).
    void syncStatuses(const engine::Runner& runner);
    // A request of the running step failed and is repeated in delayMs, because `reason`: the row
    // counts down until the step answers or the next attempt of its requests does.
    void retryScheduled(const QString& stepId, qint64 delayMs, const QString& reason);
    void retryAttempted(const QString& stepId);
    // Milliseconds until the step's next attempt, or -1 when it is not waiting.
    static qint64 retryRemainingMs(const Row& row);
    // "retrying in 3 s" while waiting, rounded up so that it never shows 0 before the attempt.
    static QString retryCountdown(qint64 remainingMs);

    const QList<Row>& rows() const { return m_rows; }
    std::optional<Row> row(const QString& stepId) const;
    bool isDryRun() const { return m_dryRun; }

    // The words the views show, shared with the report.
    static QString statusWord(engine::StepStatus status);
    static QString planWord(engine::Outcome outcome);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    int indexOf(const QString& stepId) const;
    void rowChanged(int row);
    QString details(const Row& row) const;

    QList<Row> m_rows;
    bool m_dryRun = false;
    QTimer m_tick;  // refreshes the elapsed time and retry countdowns of running steps
};

}  // namespace dcr::wizard
