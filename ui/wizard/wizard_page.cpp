#include "wizard/wizard_page.h"

#include "wizard/wizard_controller.h"

#include "wizard/step_list_model.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

namespace dcr::ui {

WizardPage::WizardPage(wizard::WizardController& controller, const QString& objectName, QWidget* parent)
    : QWizardPage(parent), m_controller(controller), m_banner(new QLabel), m_body(new QVBoxLayout) {
    setObjectName(objectName);
    m_banner->setObjectName(QStringLiteral("sandboxBanner"));
    m_banner->setText(tr("Sandbox: nothing is created in your Azure or Konnect"));
    m_banner->setAccessibleName(tr("Sandbox mode notice"));
    m_banner->setAlignment(Qt::AlignCenter);
    m_banner->setMargin(6);
    // The palette's highlight pair stands out in light and dark themes alike.
    m_banner->setAutoFillBackground(true);
    m_banner->setBackgroundRole(QPalette::Highlight);
    m_banner->setForegroundRole(QPalette::HighlightedText);
    QFont bold = m_banner->font();
    bold.setBold(true);
    m_banner->setFont(bold);

    auto* outer = new QVBoxLayout(this);
    outer->addWidget(m_banner);
    outer->addLayout(m_body, 1);
    connect(&m_controller, &wizard::WizardController::modeChanged, this, &WizardPage::updateBanner);
    updateBanner();
}

void WizardPage::updateBanner() { m_banner->setVisible(m_controller.isSandbox()); }

QLabel* WizardPage::messageLabel(const QString& objectName, const QString& accessibleName) {
    auto* label = new QLabel;
    label->setObjectName(objectName);
    label->setAccessibleName(accessibleName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setVisible(false);
    return label;
}

void WizardPage::setMessage(QLabel* label, const QString& text, Tone tone) {
    label->setText(text);
    label->setVisible(!text.isEmpty());
    QPalette palette = label->parentWidget() ? label->parentWidget()->palette() : label->palette();
    const bool dark = palette.color(QPalette::Window).lightness() < 128;
    switch (tone) {
    case Tone::Neutral:
        break;
    case Tone::Good:
        palette.setColor(QPalette::WindowText, dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x1b, 0x5e, 0x20));
        break;
    case Tone::Problem:
        palette.setColor(QPalette::WindowText, dark ? QColor(0xef, 0x9a, 0x9a) : QColor(0xb0, 0x00, 0x20));
        break;
    }
    label->setPalette(palette);
}

QLabel* WizardPage::note(const QString& text) {
    auto* label = new QLabel(text);
    label->setWordWrap(true);
    return label;
}

QTreeView* WizardPage::stepView(const QString& objectName, const QString& accessibleName, QAbstractItemModel& model) {
    auto* view = new QTreeView;
    view->setObjectName(objectName);
    view->setAccessibleName(accessibleName);
    view->setModel(&model);
    view->setRootIsDecorated(false);
    view->setWordWrap(true);
    view->setAlternatingRowColors(true);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->header()->setSectionResizeMode(wizard::StepListModel::TitleColumn, QHeaderView::ResizeToContents);
    view->header()->setSectionResizeMode(wizard::StepListModel::StatusColumn, QHeaderView::ResizeToContents);
    view->header()->setSectionResizeMode(wizard::StepListModel::ElapsedColumn, QHeaderView::ResizeToContents);
    view->header()->setStretchLastSection(true);
    return view;
}

}  // namespace dcr::ui
