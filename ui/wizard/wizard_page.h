#pragma once

#include <QWizardPage>

class QAbstractItemModel;
class QLabel;
class QTreeView;
class QVBoxLayout;

namespace dcr::wizard {
class WizardController;
}

namespace dcr::ui {

// What every page of the wizard shares: the sandbox banner above the content, access to the
// controller, and messages under fields in a colour that reads on light and dark palettes.
class WizardPage : public QWizardPage {
    Q_OBJECT
public:
    enum class Tone { Neutral, Good, Problem };

protected:
    WizardPage(wizard::WizardController& controller, const QString& objectName, QWidget* parent = nullptr);

    wizard::WizardController& controller() const { return m_controller; }
    // Where a page puts its own widgets, below the banner.
    QVBoxLayout* body() const { return m_body; }

    // A word-wrapped label for a message under a field; hidden while it has nothing to say.
    static QLabel* messageLabel(const QString& objectName, const QString& accessibleName);
    static void setMessage(QLabel* label, const QString& text, Tone tone = Tone::Problem);
    // A paragraph of explanation.
    static QLabel* note(const QString& text);
    // A list of the plan's steps (a StepListModel, or a filter of one), laid out to be read.
    static QTreeView* stepView(const QString& objectName, const QString& accessibleName, QAbstractItemModel& model);

private:
    void updateBanner();

    wizard::WizardController& m_controller;
    QLabel* m_banner;
    QVBoxLayout* m_body;
};

}  // namespace dcr::ui
