"""Login (登录) of the dashboard: streamlit-authenticator on the case store's accounts.

Why streamlit-authenticator: it is the maintained login widget for Streamlit
(bcrypt password check, a signed re-authentication cookie, logout), so the
product does not hand-roll a session scheme. What the product adds around it,
because the notice asks for it and the library does not keep it across sessions:

- the accounts, their bcrypt hashes and their status come from the case store
  (``pension_risk.access.accounts``), read again on every run: a disabled or
  locked account cannot log in, and a session whose account is disabled ends at
  its next click;
- five failed logins in a row lock the account for 15 minutes;
- a session ends after 30 minutes without use; the re-authentication cookie
  lives 30 minutes too (a reload within 30 minutes of logging in keeps the session);
- every login (succeeded or failed) and logout is written to the audit log.

For the bureau's single sign-on, Streamlit's own ``st.login`` (OIDC, configured
in ``.streamlit/secrets.toml`` under ``[auth]``) can replace :func:`_login_form`:
map ``st.user.email`` (or the IdP's login claim) to an account of the store with
``accounts.principal`` and keep everything else (roles, masking, audit) as is;
see README "Dashboard accounts and single sign-on".
"""

from __future__ import annotations

import datetime as dt
import secrets
import time

import streamlit as st

from dashboards import data
from pension_risk.access import accounts, audit
from pension_risk.access.roles import Principal
from pension_risk.cases.store import CaseStore

COOKIE_NAME = "pension_risk_session"
ACTIVITY_KEY = "pension_risk_last_activity"
MESSAGE_KEY = "pension_risk_login_message"
VIA_KEY = "pension_risk_login_via"
COOKIE_SETTLE_SECONDS = 1.0
FIELDS = {"Form name": "登录", "Username": "账号", "Password": "密码", "Login": "登录", "Captcha": "验证码"}


def _cookie_key(store) -> str:
    """The secret that signs the re-authentication cookie, made once and kept in the case store."""
    cs = CaseStore(store)
    with cs._write() as con:
        row = con.execute("select value from meta where key = 'cookie_key'").fetchone()
        if row is not None:
            return row[0]
        key = secrets.token_hex(32)
        con.execute("insert into meta (key, value) values ('cookie_key', ?)", (key,))
        return key


def _authenticator(store):
    import streamlit_authenticator as stauth

    auth = stauth.Authenticate(
        accounts.login_credentials(store), COOKIE_NAME, _cookie_key(store),
        cookie_expiry_days=accounts.SESSION_IDLE_MINUTES / (24 * 60), auto_hash=False, login_sleep_time=0.3,
    )
    controller = auth.authentication_controller
    library_login = controller.login

    def observed_login(username=None, password=None, *args, token=None, **kwargs):
        """Every password attempt goes to the store (lock-out, audit); the library checks the hash."""
        try:
            result = library_login(username, password, *args, token=token, **kwargs)
        except Exception:  # a cookie of an account that is disabled or locked now: log in again
            st.session_state["authentication_status"] = None
            return None
        if username:
            message = accounts.register_attempt(store, username, bool(result), source=data.SOURCE)
            st.session_state[MESSAGE_KEY] = message
            st.session_state[VIA_KEY] = "form"
        elif token and st.session_state.get("authentication_status"):
            accounts.register_attempt(store, token.get("username", ""), True, source=f"{data.SOURCE}:cookie")
            st.session_state[VIA_KEY] = "cookie"
        return result

    controller.login = observed_login
    return auth


def _end(auth, principal: Principal | None, detail: str) -> None:
    if principal is not None:
        audit.log(data.store_path(), "logout", principal=principal, detail=detail, source=data.SOURCE)
    st.session_state.pop(data.PRINCIPAL_KEY, None)
    st.session_state.pop(ACTIVITY_KEY, None)
    st.session_state.pop("pension_risk_viewed", None)
    try:
        auth.logout(location="unrendered")
    except Exception:  # nothing to log out of
        st.session_state["authentication_status"] = None


def gate() -> tuple[Principal | None, object]:
    """The logged-in account of this session, or None after rendering the login form.

    Returns (principal, authenticator); call :func:`logout_button` in the sidebar.
    """
    store = data.store_path()
    auth = _authenticator(store)
    now = dt.datetime.now()
    principal = st.session_state.get(data.PRINCIPAL_KEY)
    if isinstance(principal, Principal):
        last = st.session_state.get(ACTIVITY_KEY)
        current = accounts.principal(store, principal.login)
        if last is not None and now - last > dt.timedelta(minutes=accounts.SESSION_IDLE_MINUTES):
            _end(auth, principal, f"idle for more than {accounts.SESSION_IDLE_MINUTES} minutes")
            st.session_state[MESSAGE_KEY] = f"超过 {accounts.SESSION_IDLE_MINUTES} 分钟未操作，已自动退出，请重新登录。"
        elif current is None:
            _end(auth, principal, "account disabled")
            st.session_state[MESSAGE_KEY] = "账号已停用。"
        else:
            st.session_state[data.PRINCIPAL_KEY] = current
            st.session_state[ACTIVITY_KEY] = now
            return current, auth
    return _login_form(auth, store, now), auth


def _login_form(auth, store, now) -> Principal | None:
    head = st.empty()  # the title goes above the form, only when the form is shown
    message = st.session_state.pop(MESSAGE_KEY, None)
    st.session_state.pop(VIA_KEY, None)
    auth.login(location="main", fields=FIELDS, key="login")
    if st.session_state.get("authentication_status"):
        principal = accounts.principal(store, st.session_state.get("username"))
        if principal is not None:
            st.session_state[data.PRINCIPAL_KEY] = principal
            st.session_state[ACTIVITY_KEY] = now
            if st.session_state.pop(VIA_KEY, None) == "cookie":
                return principal  # a reload within the cookie's life: the page of the URL, at once
            # let the browser receive the re-authentication cookie (a component of this run) first
            time.sleep(COOKIE_SETTLE_SECONDS)
            st.rerun()
        st.session_state["authentication_status"] = None
    head.title("淮南市社保基金管理风险排查")
    message = st.session_state.pop(MESSAGE_KEY, None) or message
    if message:
        st.error(message)
    st.caption("请使用本人实名账号登录。账号由系统管理员开设；连续 5 次输错密码，账号锁定 15 分钟；"
               "30 分钟无操作自动退出。")
    return None


def logout_button(auth) -> None:
    principal = st.session_state.get(data.PRINCIPAL_KEY)
    if st.button("退出登录", key="logout_button", icon=":material/logout:"):
        _end(auth, principal if isinstance(principal, Principal) else None, "logout")
        st.rerun()
