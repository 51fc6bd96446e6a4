#pragma once

#include "wizard/wizard_page.h"

#include <optional>

class QFrame;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeView;
class QWidget;

namespace dcr::ui {

class CleanupConfirm;
class SecretOnceBox;

// The setup running: each step with its live status and time, a redacted log to copy, and on a
// failure what happened and what to do, with Retry, Skip (optional steps) and Clean up.
class ApplyPage : public WizardPage {
    Q_OBJECT
public:
    explicit ApplyPage(wizard::WizardController& controller, QWidget* parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;

protected:
    bool event(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    static constexpr int kStartAfterMs = 100;

    void refresh();
    void startPendingRun();
    void appendToLog(const QString& line);
    void scrollLogToEnd();

    QTreeView* m_steps;
    QLabel* m_status;
    QFrame* m_errorPanel;
    QLabel* m_errorWhat;
    QLabel* m_errorRemedy;
    QPushButton* m_retry;
    QPushButton* m_skip;
    CleanupConfirm* m_cleanup;
    QPushButton* m_again;
    SecretOnceBox* m_secret;
    QPlainTextEdit* m_log;
    std::optional<bool> m_announcedComplete;  // what completeChanged last told the wizard
    bool m_startWhenPainted = false;
};

}  // namespace dcr::ui
