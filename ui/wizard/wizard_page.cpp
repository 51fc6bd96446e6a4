#include "wizard/wizard_page.h"

#include "wizard/wizard_controller.h"

#include "wizard/static_text_delegate.h"
#include "wizard/step_list_model.h"

#include <QHeaderView>
#include <QLabel>
#include <QStyle>
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
    view->setItemDelegate(new StaticTextDelegate(view));
    view->setRootIsDecorated(false);
    view->setWordWrap(true);
    view->setAlternatingRowColors(true);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->header()->setStretchLastSection(true);
    // The columns are fitted when the list of steps is set, not at every change of a status:
    // ResizeToContents measured every row's text again at each step's progress, which kept the GUI
    // thread busy for tens of milliseconds during a setup. The status and time columns are made
    // wide enough for their longest text up front.
    const auto fit = [view] {
        const QFontMetrics metrics(view->font());
        const int padding = 2 * view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + metrics.averageCharWidth();
        view->resizeColumnToContents(wizard::StepListModel::TitleColumn);
        view->resizeColumnToContents(wizard::StepListModel::StatusColumn);
        view->resizeColumnToContents(wizard::StepListModel::ElapsedColumn);
        const int status = metrics.horizontalAdvance(wizard::StepListModel::retryCountdown(999000)) + padding;
        view->setColumnWidth(wizard::StepListModel::StatusColumn, std::max(view->columnWidth(wizard::StepListModel::StatusColumn), status));
        const int elapsed = metrics.horizontalAdvance(QStringLiteral("999.9 s")) + padding;
        view->setColumnWidth(wizard::StepListModel::ElapsedColumn, std::max(view->columnWidth(wizard::StepListModel::ElapsedColumn), elapsed));
    };
    QObject::connect(&model, &QAbstractItemModel::modelReset, view, fit);
    QObject::connect(&model, &QAbstractItemModel::layoutChanged, view, fit);
    fit();
    return view;
}

}  // namespace dcr::ui
