#pragma once

#include <QWizard>

namespace dcr::ui {

class WelcomePage;

// Sandbox forces the offline demo; Remembered starts in the mode chosen last time (sandbox on first start).
enum class StartMode { Sandbox, Remembered };

// The top-level wizard. Page ids are fixed so that nextId() branching and tests can name pages.
class SetupWizard : public QWizard {
    Q_OBJECT
public:
    enum PageId { Welcome = 0 };

    explicit SetupWizard(StartMode startMode = StartMode::Remembered, QWidget* parent = nullptr);

    WelcomePage* welcomePage() const { return m_welcome; }

private:
    WelcomePage* m_welcome;
};

}  // namespace dcr::ui
