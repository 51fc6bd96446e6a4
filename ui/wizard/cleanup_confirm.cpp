#include "wizard/cleanup_confirm.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace dcr::ui {

CleanupConfirm::CleanupConfirm(const QString& text, const QString& objectName, QWidget* parent)
    : QWidget(parent), m_button(new QPushButton(text)), m_question(new QWidget) {
    m_button->setObjectName(objectName);
    m_button->setAccessibleName(tr("Clean up what this tool created"));

    auto* question = new QLabel(tr("Delete the app registration, its secret, the DCR provider, the auth strategy and the "
                                   "publication that this tool created? Objects it found already existing are kept."));
    question->setWordWrap(true);
    auto* confirm = new QPushButton(tr("&Delete them"));
    confirm->setObjectName(objectName + QStringLiteral("Confirm"));
    confirm->setAccessibleName(tr("Confirm the clean-up"));
    auto* keep = new QPushButton(tr("&Keep them"));
    keep->setObjectName(objectName + QStringLiteral("Keep"));
    keep->setAccessibleName(tr("Cancel the clean-up"));

    auto* questionLayout = new QHBoxLayout(m_question);
    questionLayout->setContentsMargins(0, 0, 0, 0);
    questionLayout->addWidget(question, 1);
    questionLayout->addWidget(confirm);
    questionLayout->addWidget(keep);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_button);
    layout->addWidget(m_question, 1);
    layout->addStretch();

    connect(m_button, &QPushButton::clicked, this, [this] { ask(true); });
    connect(keep, &QPushButton::clicked, this, [this] { ask(false); });
    connect(confirm, &QPushButton::clicked, this, [this] {
        ask(false);
        emit confirmed();
    });
    ask(false);
}

void CleanupConfirm::ask(bool asking) {
    m_question->setVisible(asking);
    m_button->setVisible(!asking);
    if (asking)
        m_question->findChild<QPushButton*>(m_button->objectName() + QStringLiteral("Keep"))->setFocus();
}

}  // namespace dcr::ui
