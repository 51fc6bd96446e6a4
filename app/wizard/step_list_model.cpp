#include "wizard/step_list_model.h"

#include <algorithm>

namespace dcr::wizard {

using engine::Outcome;
using engine::StepStatus;

StepListModel::StepListModel(QObject* parent) : QAbstractTableModel(parent) {
    // A quarter second: a countdown in whole seconds then never lags by more than that.
    m_tick.setInterval(250);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        bool running = false;
        for (int i = 0; i < m_rows.size(); ++i) {
            if (m_rows.at(i).status != StepStatus::Running)
                continue;
            running = true;
            emit dataChanged(index(i, StatusColumn), index(i, ElapsedColumn));
        }
        if (!running)
            m_tick.stop();
    });
}

void StepListModel::reset(const engine::Plan& plan, bool dryRun) {
    const bool modeChanged = m_dryRun != dryRun;
    m_dryRun = dryRun;
    m_tick.stop();
    const bool samePlan = std::equal(plan.begin(), plan.end(), m_rows.begin(), m_rows.end(), [](const engine::Step& step, const Row& row) {
        return step.id == row.step.id && step.title == row.step.title && step.description == row.step.description &&
               step.optional == row.step.optional;
    });
    if (samePlan && !m_rows.isEmpty()) {
        // The same steps again: the rows are cleared in place and only those that showed progress
        // are announced, which views redraw without laying the whole list out again as a model
        // reset would make them do (tests/perf/apply_watchdog).
        for (int i = 0; i < m_rows.size(); ++i) {
            Row& row = m_rows[i];
            const bool showedProgress = row.status != StepStatus::Pending || row.elapsedMs >= 0 || !row.retryAt.isForever() ||
                                        row.result.error || !row.result.summary.isEmpty();
            Row cleared;
            cleared.step = std::move(row.step);
            row = std::move(cleared);
            if (showedProgress || modeChanged)
                rowChanged(i);
        }
        return;
    }
    beginResetModel();
    m_rows.clear();
    for (const engine::Step& step : plan) {
        Row row;
        row.step.id = step.id;
        row.step.title = step.title;
        row.step.description = step.description;
        row.step.optional = step.optional;
        m_rows.append(row);
    }
    endResetModel();
}

void StepListModel::stepStarted(const QString& stepId) {
    const int i = indexOf(stepId);
    if (i < 0)
        return;
    Row& row = m_rows[i];
    row.status = StepStatus::Running;
    row.result = {};
    row.elapsedMs = -1;
    row.retryAt = QDeadlineTimer(QDeadlineTimer::Forever);
    row.clock.start();
    if (!m_tick.isActive())
        m_tick.start();
    rowChanged(i);
}

void StepListModel::stepFinished(const QString& stepId, const engine::StepResult& result, qint64 elapsedMs) {
    const int i = indexOf(stepId);
    if (i < 0)
        return;
    Row& row = m_rows[i];
    row.result = result;
    row.retryAt = QDeadlineTimer(QDeadlineTimer::Forever);
    row.status = !result.ok() ? StepStatus::Failed : result.outcome == Outcome::Skipped ? StepStatus::Skipped : StepStatus::Done;
    row.elapsedMs = elapsedMs >= 0 ? elapsedMs : (row.clock.isValid() ? row.clock.elapsed() : 0);
    rowChanged(i);
}

void StepListModel::syncStatuses(const engine::Runner& runner) {
    for (int i = 0; i < m_rows.size(); ++i) {
        Row& row = m_rows[i];
        const StepStatus status = runner.status(row.step.id);
        if (status == row.status || status == StepStatus::Running)
            continue;
        row.status = status;
        row.result = runner.result(row.step.id);
        rowChanged(i);
    }
}

void StepListModel::retryScheduled(const QString& stepId, qint64 delayMs, const QString& reason) {
    const int i = indexOf(stepId);
    if (i < 0 || m_rows.at(i).status != StepStatus::Running)
        return;
    m_rows[i].retryAt = QDeadlineTimer(delayMs, Qt::PreciseTimer);
    m_rows[i].retryReason = reason;
    rowChanged(i);
}

void StepListModel::retryAttempted(const QString& stepId) {
    const int i = indexOf(stepId);
    if (i < 0 || m_rows.at(i).retryAt.isForever())
        return;
    m_rows[i].retryAt = QDeadlineTimer(QDeadlineTimer::Forever);
    rowChanged(i);
}

qint64 StepListModel::retryRemainingMs(const Row& row) {
    if (row.status != StepStatus::Running || row.retryAt.isForever() || row.retryAt.hasExpired())
        return -1;
    return row.retryAt.remainingTime();
}

QString StepListModel::retryCountdown(qint64 remainingMs) {
    return tr("retrying in %n s", nullptr, static_cast<int>((remainingMs + 999) / 1000));
}

std::optional<StepListModel::Row> StepListModel::row(const QString& stepId) const {
    const int i = indexOf(stepId);
    if (i < 0)
        return std::nullopt;
    return m_rows.at(i);
}

QString StepListModel::statusWord(StepStatus status) {
    switch (status) {
    case StepStatus::Pending:
        return tr("pending");
    case StepStatus::Running:
        return tr("running");
    case StepStatus::Done:
        return tr("done");
    case StepStatus::Failed:
        return tr("failed");
    case StepStatus::Skipped:
        return tr("skipped");
    }
    return {};
}

QString StepListModel::planWord(Outcome outcome) {
    switch (outcome) {
    case Outcome::WouldCreate:
    case Outcome::Created:
        return tr("create");
    case Outcome::WouldUpdate:
    case Outcome::Updated:
        return tr("update");
    case Outcome::Adopted:
        return tr("adopt");
    case Outcome::Verified:
        return tr("in place");
    case Outcome::WouldCheck:
        return tr("check");
    case Outcome::Skipped:
        return tr("skip");
    }
    return {};
}

int StepListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(m_rows.size()); }

int StepListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant StepListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row& row = m_rows.at(index.row());
    switch (role) {
    case StepIdRole:
        return row.step.id;
    case StatusRole:
        return static_cast<int>(row.status);
    case OptionalRole:
        return row.step.optional;
    case Qt::ToolTipRole:
        // Details are often longer than their column: the tooltip has them whole.
        return index.column() == DetailsColumn ? details(row) : row.step.description;
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case TitleColumn:
        return row.step.optional ? tr("%1 (optional)").arg(row.step.title) : row.step.title;
    case StatusColumn:
        if (m_dryRun && row.status == StepStatus::Done)
            return planWord(row.result.outcome);
        if (m_dryRun && row.status == StepStatus::Pending)
            return tr("waiting");
        if (const qint64 remaining = retryRemainingMs(row); remaining >= 0)
            return retryCountdown(remaining);
        return statusWord(row.status);
    case ElapsedColumn: {
        const qint64 ms = row.status == StepStatus::Running ? row.clock.elapsed() : row.elapsedMs;
        if (ms < 0)
            return QString();
        return tr("%1 s").arg(static_cast<double>(ms) / 1000.0, 0, 'f', 1);
    }
    case DetailsColumn:
        return details(row);
    default:
        return {};
    }
}

QVariant StepListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TitleColumn:
        return tr("Step");
    case StatusColumn:
        return m_dryRun ? tr("Plan") : tr("Status");
    case ElapsedColumn:
        return tr("Time");
    case DetailsColumn:
        return tr("Details");
    default:
        return {};
    }
}

int StepListModel::indexOf(const QString& stepId) const {
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).step.id == stepId)
            return i;
    return -1;
}

void StepListModel::rowChanged(int row) { emit dataChanged(index(row, 0), index(row, ColumnCount - 1)); }

QString StepListModel::details(const Row& row) const {
    if (row.status == StepStatus::Failed && row.result.error)
        return tr("%1 %2").arg(row.result.error->what, row.result.error->remedy);
    if (retryRemainingMs(row) >= 0)
        return tr("Waiting to repeat a request because %1.").arg(row.retryReason);
    if (row.status == StepStatus::Pending || row.status == StepStatus::Running)
        return row.step.description;
    return row.result.summary;
}

}  // namespace dcr::wizard
