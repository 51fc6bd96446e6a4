#include "wizard/secret_once_box.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QMimeData>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace dcr::ui {

SecretOnceBox::SecretOnceBox(QWidget* parent)
    : QFrame(parent),
      m_value(new QLineEdit),
      m_reveal(new QCheckBox(tr("S&how"))),
      m_copy(new QPushButton(tr("C&opy the secret"))),
      m_status(new QLabel) {
    setObjectName(QStringLiteral("secretOncePanel"));
    setFrameShape(QFrame::StyledPanel);
    auto* warning = new QLabel(tr("<b>No keychain can keep the client secret.</b> This is the only time it is shown: copy it now "
                                  "to a password manager if you need it elsewhere. Konnect's DCR provider already has it."));
    warning->setWordWrap(true);
    warning->setObjectName(QStringLiteral("secretOnceWarning"));
    m_value->setObjectName(QStringLiteral("secretOnceEdit"));
    m_value->setAccessibleName(tr("Client secret"));
    m_value->setReadOnly(true);
    m_value->setEchoMode(QLineEdit::Password);
    m_reveal->setObjectName(QStringLiteral("secretOnceRevealCheck"));
    m_reveal->setAccessibleName(tr("Show the client secret"));
    m_copy->setObjectName(QStringLiteral("secretOnceCopyButton"));
    m_copy->setAccessibleName(tr("Copy the client secret"));
    m_status->setObjectName(QStringLiteral("secretOnceStatus"));
    m_status->setWordWrap(true);

    auto* row = new QHBoxLayout;
    row->addWidget(m_value, 1);
    row->addWidget(m_reveal);
    row->addWidget(m_copy);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(warning);
    layout->addLayout(row);
    layout->addWidget(m_status);

    m_clearClipboard.setSingleShot(true);
    m_clearClipboard.setInterval(kClipboardClearMs);
    connect(&m_clearClipboard, &QTimer::timeout, this, &SecretOnceBox::clearClipboard);
    connect(m_reveal, &QCheckBox::toggled, this,
            [this](bool reveal) { m_value->setEchoMode(reveal ? QLineEdit::Normal : QLineEdit::Password); });
    connect(m_copy, &QPushButton::clicked, this, &SecretOnceBox::copy);
    setVisible(false);
}

SecretOnceBox::~SecretOnceBox() {
    // Closing the wizard must not leave the secret behind on the clipboard either.
    if (m_clearClipboard.isActive())
        clearClipboard();
}

void SecretOnceBox::showSecret(const QString& secret) {
    m_value->setText(secret);
    setVisible(true);
}

void SecretOnceBox::copy() {
    // The password-manager hint tells clipboard managers (Klipper, and those that follow KDE's
    // convention) not to keep it in their history.
    auto* data = new QMimeData;
    data->setText(m_value->text());
    data->setData(QStringLiteral("x-kde-passwordManagerHint"), QByteArrayLiteral("secret"));
    QApplication::clipboard()->setMimeData(data);
    m_status->setText(tr("Copied. The clipboard will be cleared in 60 seconds."));
    m_clearClipboard.start();
}

void SecretOnceBox::clearClipboard() {
    m_clearClipboard.stop();
    QClipboard* clipboard = QApplication::clipboard();
    // Only if the user has not copied something else since.
    if (clipboard->text() == m_value->text())
        clipboard->clear();
    m_status->setText(tr("The clipboard was cleared."));
}

}  // namespace dcr::ui
