"""Sign-in, password change, user administration, the audit log, single sign-on."""

TEXT: dict[str, tuple[str, str]] = {
    # sign-in
    "signin.title": ("登录", "Sign in"),
    "signin.username": ("用户名", "Username"),
    "signin.password": ("密码", "Password"),
    "signin.submit": ("登录", "Sign in"),
    "signin.demo_hint": (
        "演示账号:hq(总行)、branch(支行行长)、manager(客户经理),密码均为 demo",
        "Demo accounts: hq (head office), branch (branch leader), manager "
        "(customer manager); password demo",
    ),
    "signin.empty": ("请输入用户名和密码。", "Enter a username and a password."),
    "signin.signed_out": ("已退出登录。", "You have signed out."),
    "signin.failed": (
        "登录失败:用户名或密码错误,或账号暂不可用。连续失败多次将被暂时锁定,如有疑问请联系"
        "总行管理员。",
        "Sign-in failed: wrong username or password, or the account "
        "is not available. Repeated failures lock it for a while; ask the "
        "head-office administrator if in doubt.",
    ),
    "signin.idle": (
        "长时间未操作,已自动退出登录,请重新登录。",
        "You were signed out after a period without activity. Sign in again.",
    ),
    "signin.ended": (
        "登录已失效(已过期、已在别处退出或账号已停用),请重新登录。",
        "Your sign-in "
        "has ended (expired, signed out elsewhere or the account was deactivated). "
        "Sign in again.",
    ),
    "pwchange.title": ("修改密码", "Change your password"),
    "pwchange.intro": (
        "{name},您正在使用一次性密码登录。请先设置自己的新密码,然后才能继续使用系统。",
        "{name}, you signed in with a one-time password. Choose your own new "
        "password before you continue.",
    ),
    "pwchange.rules": (
        "密码规则:至少 {n} 个字符,包含小写字母、大写字母、数字、其他符号中的至少 {k} 类,"
        "且不能包含用户名。",
        "Password rules: at least {n} characters, at least "
        "{k} of lower case, upper case, digits and other characters, and not "
        "containing the username.",
    ),
    "pwchange.current": ("当前密码(一次性密码)", "Current password (the one-time password)"),
    "pwchange.new": ("新密码", "New password"),
    "pwchange.repeat": ("再次输入新密码", "New password again"),
    "pwchange.submit": ("保存新密码", "Save the new password"),
    "pwchange.mismatch": ("两次输入的新密码不一致。", "The two new passwords differ."),
    "pwchange.done": ("密码已修改。", "Your password has been changed."),
    "users.title": ("用户管理", "Users"),
    "users.caption": (
        "账号从不删除:停用后无法登录,其会话在下一次点击时结束。新建或重置密码时生成一次性密码,"
        "用户首次登录须修改。所有操作记入审计日志。",
        "Accounts are never deleted: a "
        "deactivated account cannot sign in and its sessions end at its next "
        "click. Creating an account or resetting a password makes a one-time "
        "password the user must change at first sign-in. Every action is audited.",
    ),
    "users.col_username": ("用户名", "Username"),
    "users.col_display_name": ("姓名", "Name"),
    "users.col_role": ("角色", "Role"),
    "users.col_org": ("所属机构", "Org unit"),
    "users.col_email": ("电子邮箱", "E-mail"),
    "users.col_active": ("启用", "Active"),
    "users.col_locked": ("锁定中", "Locked"),
    "users.col_locked_until": ("锁定至", "Locked until"),
    "users.col_failures": ("连续失败次数", "Failures in a row"),
    "users.col_must_change": ("须改密码", "Must change password"),
    "users.col_last_sign_in": ("最近登录", "Last sign-in"),
    "users.col_demo": ("演示账号", "Demo account"),
    "users.create": ("新建账号", "New account"),
    "users.username_help": (
        "2-50 个字符:字母、数字及 . _ - @,以字母或数字开头。",
        "2-50 characters: letters, digits and . _ - @, starting with a letter or digit.",
    ),
    "users.org_branch": ("所属支行", "Branch"),
    "users.org_manager": ("对应客户经理", "Customer manager record"),
    "users.display_name": (
        "姓名(可选,默认取机构或客户经理姓名)",
        "Name (optional; default: from the branch or manager record)",
    ),
    "users.email": (
        "电子邮箱(可选,单点登录时用于匹配)",
        "E-mail (optional; single sign-on matches by it)",
    ),
    "users.create_submit": ("创建账号", "Create the account"),
    "users.otp_once": (
        "{name} 的一次性密码如下,只显示这一次。请通过安全渠道交给本人,首次登录须修改。",
        "The one-time password of {name}, shown only this once. Hand it over "
        "safely; it must be changed at the first sign-in.",
    ),
    "users.manage": ("管理账号", "Manage an account"),
    "users.pick": ("选择账号", "Account"),
    "users.reset": ("重置密码", "Reset password"),
    "users.deactivate": ("停用", "Deactivate"),
    "users.reactivate": ("重新启用", "Reactivate"),
    "users.unlock": ("解除锁定", "Unlock"),
    "users.reset_done": (
        "密码已重置,该账号的会话已全部结束。",
        "The password was reset and every session of the account ended.",
    ),
    "users.deactivate_done": (
        "账号已停用,其会话在下一次点击时结束。",
        "The account is deactivated; its sessions end at its next click.",
    ),
    "users.reactivate_done": ("账号已重新启用。", "The account is active again."),
    "users.unlock_done": ("已解除锁定。", "The account is unlocked."),
    "users.password_short": (
        "密码至少需要 {n} 个字符。",
        "The password needs at least {n} characters.",
    ),
    "users.password_classes": (
        "密码需包含小写字母、大写字母、数字、其他符号中的至少 {n} 类。",
        "The password needs at least {n} of lower case, upper case, digits and other characters.",
    ),
    "users.password_username": (
        "密码不能包含用户名。",
        "The password must not contain the username.",
    ),
    "users.password_chars": (
        "密码过长或含控制字符。",
        "The password is too long or holds control characters.",
    ),
    "users.unknown_user": ("没有用户名为 {name} 的账号。", "There is no account {name}."),
    "users.org_missing": (
        "支行行长须指定支行代码,客户经理须指定客户经理工号。",
        "A branch leader needs a branch code, a customer manager a manager code.",
    ),
    "users.unknown_branch": ("没有代码为 {code} 的支行。", "There is no branch with code {code}."),
    "users.unknown_manager": (
        "没有工号为 {code} 的在岗客户经理。",
        "There is no active customer manager with code {code}.",
    ),
    "users.bad_username": (
        "用户名须为 2-50 个字符:字母、数字及 . _ - @,以字母或数字开头。",
        "A username has 2-50 characters: letters, digits and . _ - @, "
        "starting with a letter or digit.",
    ),
    "users.bad_role": (
        "角色须为 hq(总行)、branch(支行行长)或 manager(客户经理)。",
        "The role is hq (head office), branch (branch leader) or manager (customer manager).",
    ),
    "users.bad_display_name": (
        "姓名最多 50 个字符,且不能含控制字符。",
        "A name has at most 50 characters and no control characters.",
    ),
    "users.bad_email": ("电子邮箱格式不正确。", "The e-mail address is not valid."),
    "users.exists": ("用户名 {name} 已存在。", "The username {name} is taken."),
    "users.email_exists": (
        "该电子邮箱已被其他账号使用。",
        "Another account uses this e-mail address.",
    ),
    "users.wrong_current": ("当前密码不正确。", "The current password is wrong."),
    "users.same_password": (
        "新密码不能与当前密码相同。",
        "The new password must differ from the current one.",
    ),
    "users.not_yourself": ("不能停用自己的账号。", "You cannot deactivate your own account."),
    "auditlog.title": ("审计日志", "Audit log"),
    "auditlog.caption": (
        "记录只增不改:登录与失败、退出、客户查看与搜索、越权尝试、下载、导入及各类变更。"
        "导出本身也会记入日志。",
        "Entries are only ever added: sign-ins and "
        "failures, sign-outs, customer views and searches, refused attempts, "
        "downloads, imports and every change. An export is logged too.",
    ),
    "auditlog.range": ("时间范围", "Time range"),
    "auditlog.user": ("用户", "User"),
    "auditlog.action": ("操作", "Action"),
    "auditlog.entity": ("对象", "Entity"),
    "auditlog.all": ("全部", "All"),
    "auditlog.system": ("系统(命令行或未知用户)", "System (command line or unknown user)"),
    "auditlog.total": (
        "共 {n} 条,第 {page}/{pages} 页(最新在前)",
        "{n} entries, page {page} of {pages} (newest first)",
    ),
    "auditlog.page": ("页码", "Page"),
    "auditlog.empty": ("没有符合条件的记录。", "No entries match."),
    "auditlog.col_at": ("时间", "Time"),
    "auditlog.col_entity_id": ("对象编号", "Entity id"),
    "auditlog.col_detail": ("详情", "Detail"),
    "auditlog.download": ("导出筛选结果(CSV)", "Export the filtered entries (CSV)"),
    "auditlog.action.sign_in": ("登录", "Signed in"),
    "auditlog.action.sign_in_failed": ("登录失败", "Sign-in failed"),
    "auditlog.action.sign_out": ("退出登录", "Signed out"),
    "auditlog.action.idle_sign_out": ("超时自动退出", "Signed out when idle"),
    "auditlog.action.account_locked": ("账号被锁定", "Account locked"),
    "auditlog.action.password_rehashed": ("密码哈希升级", "Password hash upgraded"),
    "auditlog.action.password_reset": ("重置密码", "Password reset"),
    "auditlog.action.password_changed": ("修改密码", "Password changed"),
    "auditlog.action.password_change_failed": ("修改密码失败", "Password change failed"),
    "auditlog.action.user_created": ("新建账号", "Account created"),
    "auditlog.action.user_deactivated": ("停用账号", "Account deactivated"),
    "auditlog.action.user_reactivated": ("重新启用账号", "Account reactivated"),
    "auditlog.action.user_unlocked": ("解除锁定", "Account unlocked"),
    "auditlog.action.denied": ("越权尝试(已拒绝)", "Refused (out of role or scope)"),
    "auditlog.action.download": ("下载文件", "Download"),
    "auditlog.action.view_customer": ("查看客户", "Customer viewed"),
    "auditlog.action.search_customer": ("搜索客户", "Customer search"),
    "auditlog.action.grid_change": ("网格变更", "Grid change"),
    "auditlog.action.tag_params": ("修改标签阈值", "Tag thresholds changed"),
    "auditlog.action.staffing": ("定岗定员变更", "Staffing changed"),
    "auditlog.action.targets": ("目标分解", "Targets split"),
    "auditlog.action.targets_import": ("目标导入", "Targets imported"),
    "auditlog.action.actuals_recompute": ("重算实际值", "Actuals recomputed"),
    "auditlog.action.actuals_import": ("实际值导入", "Actuals imported"),
    "auditlog.action.segment_run": ("标签与客群计算", "Tags and segments run"),
    "auditlog.action.save_plan": ("保存走访计划", "Visit plan saved"),
    "auditlog.action.log_visit": ("登记走访", "Visit logged"),
    "auditlog.action.save_list": ("保存名单", "List saved"),
    "auditlog.action.save_industry": ("保存行业网格", "Industry grid saved"),
    "auditlog.action.save_group": ("保存族群网格", "Group grid saved"),
    "auditlog.action.withdraw_list": ("撤回名单", "List withdrawn"),
    "auditlog.action.withdraw_industry": ("删除行业网格", "Industry grid removed"),
    "auditlog.action.withdraw_group": ("删除族群网格", "Group grid removed"),
    "sso.button": ("使用单点登录", "Sign in with SSO"),
    "sso.or_password": (
        "或使用本系统的用户名和密码登录:",
        "Or sign in with a username and password of this app:",
    ),
    "sso.unknown_user": (
        "您的单点登录账号未在本系统开通,无法登录,此次尝试已记录。请联系总行管理员"
        "开通账号,或使用本系统的用户名和密码登录。",
        "Your single sign-on "
        "account has no user in this app, so you cannot sign in; the attempt "
        "was logged. Ask head office to create your user, or sign in with a "
        "username and password of this app.",
    ),
    "sso.ambiguous": (
        "您的单点登录账号对应本系统中的多个用户,无法确定身份,此次尝试已记录。请联系总行管理员。",
        "Your single sign-on account matches several users of "
        "this app, so it cannot tell who you are; the attempt was logged. Contact "
        "head office.",
    ),
    "sso.no_claim": (
        "身份提供方未提供用于匹配的用户名或邮箱,无法登录,此次尝试已记录。请联系总行管理员。",
        "The identity provider sent no username or e-mail to match, "
        "so you cannot sign in; the attempt was logged. Contact head office.",
    ),
    "sso.email_unverified": (
        "身份提供方显示您的邮箱未经验证,无法登录,此次尝试已记录。请先验证邮箱或联系总行管理员。",
        "The identity provider says your e-mail "
        "is not verified, so you cannot sign in; the attempt was logged. "
        "Verify it or contact head office.",
    ),
    "sso.inactive_user": (
        "该账号已停用,无法登录,此次尝试已记录。请联系总行管理员。",
        "This account is deactivated, so you cannot sign in; the attempt was "
        "logged. Contact head office.",
    ),
    "sso.locked_user": (
        "该账号已锁定,无法登录,此次尝试已记录。请联系总行管理员解锁。",
        "This account is locked, so you cannot sign in; the attempt was logged. "
        "Ask head office to unlock it.",
    ),
    "sso.demo_disabled": (
        "演示账号已关闭,无法登录,此次尝试已记录。",
        "Demo accounts are turned off, so you cannot sign in; the attempt was logged.",
    ),
    "sso.misconfigured": (
        "单点登录配置不完整,暂时无法使用,请联系系统管理员;仍可使用用户名和密码登录。",
        "Single sign-on is not set up completely and cannot be used "
        "now; tell the administrator. You can still sign in with a username "
        "and password.",
    ),
    "auditlog.action.sso_sign_in": ("单点登录", "Single sign-on"),
    "auditlog.action.sso_refused": ("单点登录被拒绝", "Single sign-on refused"),
}
