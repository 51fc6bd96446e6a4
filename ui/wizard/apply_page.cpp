#include "wizard/apply_page.h"

#include "wizard/cleanup_confirm.h"
#include "wizard/run_controller.h"
#include "wizard/run_log.h"
#include "wizard/secret_once_box.h"
#include "wizard/wizard_controller.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTreeView>
#include <QTimer>
#include <QVBoxLayout>
#include <QWindow>

namespace dcr::ui {

using wizard::RunController;
using wizard::WizardController;

ApplyPage::ApplyPage(WizardController& controller, QWidget* parent)
    : WizardPage(controller, QStringLiteral("applyPage"), parent),
      m_steps(stepView(QStringLiteral("applyView"), tr("Setup steps"), controller.run().progressModel())),
      m_status(messageLabel(QStringLiteral("applyStatus"), tr("Setup status"))),
      m_errorPanel(new QFrame),
      m_errorWhat(new QLabel),
      m_errorRemedy(new QLabel),
      m_retry(new QPushButton(tr("&Retry"))),
      m_skip(new QPushButton(tr("Skip this ste&p"))),
      m_cleanup(new CleanupConfirm(tr("&Clean up"), QStringLiteral("applyCleanupButton"))),
      m_again(new QPushButton(tr("Run the setup a&gain"))),
      m_secret(new SecretOnceBox),
      m_log(new QPlainTextEdit) {
    setTitle(tr("Setting up"));
    setSubTitle(tr("Each step finds what exists before creating anything. Progress is saved after every step, "
                   "so an interrupted setup can be resumed."));

    m_errorPanel->setObjectName(QStringLiteral("applyErrorPanel"));
    m_errorPanel->setFrameShape(QFrame::StyledPanel);
    m_errorWhat->setObjectName(QStringLiteral("applyErrorWhat"));
    m_errorWhat->setAccessibleName(tr("What went wrong"));
    m_errorWhat->setWordWrap(true);
    m_errorWhat->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorRemedy->setObjectName(QStringLiteral("applyErrorRemedy"));
    m_errorRemedy->setAccessibleName(tr("What to do"));
    m_errorRemedy->setWordWrap(true);
    m_errorRemedy->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retry->setObjectName(QStringLiteral("applyRetryButton"));
    m_retry->setAccessibleName(tr("Retry the failed step"));
    m_skip->setObjectName(QStringLiteral("applySkipButton"));
    m_skip->setAccessibleName(tr("Skip the failed optional step"));
    m_again->setObjectName(QStringLiteral("applyAgainButton"));
    m_again->setAccessibleName(tr("Run the setup again"));
    auto* errorButtons = new QHBoxLayout;
    errorButtons->addWidget(m_retry);
    errorButtons->addWidget(m_skip);
    errorButtons->addWidget(m_cleanup, 1);
    auto* errorLayout = new QVBoxLayout(m_errorPanel);
    errorLayout->addWidget(m_errorWhat);
    errorLayout->addWidget(m_errorRemedy);
    errorLayout->addLayout(errorButtons);

    m_log->setObjectName(QStringLiteral("applyLog"));
    m_log->setAccessibleName(tr("Setup log"));
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setMaximumBlockCount(5000);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto* copyLog = new QPushButton(tr("Cop&y the log"));
    copyLog->setObjectName(QStringLiteral("applyCopyLogButton"));
    copyLog->setAccessibleName(tr("Copy the setup log"));
    auto* logLabel = new QLabel(tr("&Log (tokens and secrets are never shown):"));
    logLabel->setBuddy(m_log);
    auto* logHeader = new QHBoxLayout;
    logHeader->addWidget(logLabel, 1);
    logHeader->addWidget(copyLog);

    body()->addWidget(m_steps, 3);
    body()->addWidget(m_status);
    body()->addWidget(m_errorPanel);
    body()->addWidget(m_again, 0, Qt::AlignLeft);
    body()->addWidget(m_secret);
    body()->addLayout(logHeader);
    body()->addWidget(m_log, 2);

    RunController& run = controller.run();
    wizard::RunLog& log = controller.log();
    for (const QString& line : log.lines())
        m_log->appendPlainText(line);
    connect(&log, &wizard::RunLog::appended, this, &ApplyPage::appendToLog);
    connect(copyLog, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(this->controller().log().text()); });
    connect(m_retry, &QPushButton::clicked, &run, &RunController::retry);
    connect(m_skip, &QPushButton::clicked, this, [this] {
        if (const auto failure = this->controller().run().failure())
            this->controller().run().skip(failure->stepId);
    });
    connect(m_cleanup, &CleanupConfirm::confirmed, &run, &RunController::startCleanup);
    connect(m_again, &QPushButton::clicked, &run, &RunController::startApply);
    connect(&run, &RunController::phaseChanged, this, &ApplyPage::refresh);
    connect(&run.progressModel(), &QAbstractItemModel::dataChanged, this, &ApplyPage::refresh);
    connect(&run, &RunController::secretNeedsShowing, this, [this] { m_secret->showSecret(this->controller().run().secretToShowOnce()); });
    refresh();
}

void ApplyPage::initializePage() {
    // The click on Apply switches the page, the page is painted, the run starts: each fits in a
    // frame, all three in one turn of the event loop did not (tests/perf/apply_watchdog). So the
    // run starts once this page has been painted; at once when the window is not on screen, and
    // at the latest after kStartAfterMs should a paint not come (a window minimized meanwhile).
    const QWindow* window = this->window()->windowHandle();
    m_startWhenPainted = this->window()->isVisible() && window && window->isExposed();
    if (!m_startWhenPainted) {
        controller().run().startApply();
        return;
    }
    refresh();
    QTimer::singleShot(kStartAfterMs, this, &ApplyPage::startPendingRun);
}

void ApplyPage::showEvent(QShowEvent* event) {
    WizardPage::showEvent(event);
    // Lines were added while the page was hidden, where the log cannot follow them.
    scrollLogToEnd();
}

void ApplyPage::appendToLog(const QString& line) {
    // The log follows its newest line, as a terminal does, unless the user scrolled up to read.
    const QScrollBar* bar = m_log->verticalScrollBar();
    const bool following = !m_log->isVisible() || bar->value() >= bar->maximum();
    m_log->appendPlainText(line);
    if (following)
        scrollLogToEnd();
}

void ApplyPage::scrollLogToEnd() { m_log->verticalScrollBar()->setValue(m_log->verticalScrollBar()->maximum()); }

void ApplyPage::startPendingRun() {
    if (!m_startWhenPainted)
        return;
    m_startWhenPainted = false;
    controller().run().startApply();
}

bool ApplyPage::event(QEvent* event) {
    // Queued from within the paint, the start runs in the event loop's next turn, after it.
    if (event->type() == QEvent::Paint && m_startWhenPainted)
        QMetaObject::invokeMethod(this, &ApplyPage::startPendingRun, Qt::QueuedConnection);
    return WizardPage::event(event);
}

bool ApplyPage::isComplete() const {
    const RunController& run = controller().run();
    return !m_startWhenPainted && !run.isBusy() && run.provisioned();
}

void ApplyPage::refresh() {
    const RunController& run = controller().run();
    const auto failure = run.isBusy() || m_startWhenPainted ? std::nullopt : run.failure();
    const auto& rows = run.progressModel().rows();
    const auto settled = std::count_if(rows.begin(), rows.end(), [](const wizard::StepListModel::Row& row) {
        return row.status == engine::StepStatus::Done || row.status == engine::StepStatus::Skipped;
    });
    // Until the run starts, the page already reads as it will when it has: changing the status
    // line's visibility then would lay the whole page out again (tests/perf/apply_watchdog).
    switch (m_startWhenPainted ? RunController::Phase::Applying : run.phase()) {
    case RunController::Phase::Applying:
        if (const auto waiting = run.waitingToRetry())
            setMessage(m_status,
                       tr("Setting up… %1 of %2 steps finished. %3: %4, because %5.")
                           .arg(settled)
                           .arg(rows.size())
                           .arg(waiting->title, wizard::StepListModel::retryCountdown(waiting->remainingMs), waiting->reason),
                       Tone::Neutral);
        else
            setMessage(m_status, tr("Setting up… %1 of %2 steps finished.").arg(settled).arg(rows.size()), Tone::Neutral);
        break;
    case RunController::Phase::Applied:
        setMessage(m_status, tr("Everything is set up and checked."), Tone::Good);
        break;
    case RunController::Phase::ApplyFailed:
        setMessage(m_status, run.provisioned() ? tr("Everything is set up, but a check failed: the next page has the details.")
                                               : tr("The setup stopped. Nothing after the failed step was changed."));
        break;
    case RunController::Phase::CleaningUp:
        setMessage(m_status, tr("Deleting what this tool created…"), Tone::Neutral);
        break;
    case RunController::Phase::CleanedUp:
        setMessage(m_status, tr("Everything this tool created was deleted."), Tone::Good);
        break;
    case RunController::Phase::CleanupFailed:
        setMessage(m_status, tr("The clean-up stopped."));
        break;
    default:
        setMessage(m_status, {});
        break;
    }
    m_errorPanel->setVisible(failure.has_value());
    if (failure) {
        setMessage(m_errorWhat, tr("%1: %2").arg(failure->title, failure->what));
        setMessage(m_errorRemedy, tr("What to do: %1").arg(failure->remedy), Tone::Neutral);
        m_skip->setVisible(failure->optional && run.phase() == RunController::Phase::ApplyFailed);
        m_cleanup->setVisible(run.phase() == RunController::Phase::ApplyFailed);
    }
    m_again->setVisible(run.phase() == RunController::Phase::CleanedUp);
    // Only a change is announced: refresh runs at every step's progress, and QWizard answers each
    // completeChanged by hiding and showing the whole page area, which lays out and repaints the
    // window and blocked the GUI thread for tens of milliseconds each time.
    const bool complete = isComplete();
    if (m_announcedComplete != complete) {
        m_announcedComplete = complete;
        emit completeChanged();
    }
}

}  // namespace dcr::ui
