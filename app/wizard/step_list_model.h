#pragma once

#include "engine/runner.h"
#include "engine/step.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QTimer>

#include <optional>

namespace dcr::wizard {

// The steps of one run of the plan as rows, for the Review (dry run), Apply and Validate pages:
// the step, its live status, how long it took (ticking while it runs) and what it did or what
// went wrong.
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
    };

    explicit StepListModel(QObject* parent = nullptr);

    // A dry run describes each step by what it would do ("create", "adopt"…) instead of its status.
    void reset(const engine::Plan& plan, bool dryRun);
    void stepStarted(const QString& stepId);
    void stepFinished(const QString& stepId, const engine::StepResult& result, qint64 elapsedMs);
    // The runner's own statuses, for steps it settles without signals (resumed, skipped in cleanup).
    void syncStatuses(const engine::Runner& runner);

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
    QTimer m_tick;  // refreshes the elapsed time of running steps
};

}  // namespace dcr::wizard
