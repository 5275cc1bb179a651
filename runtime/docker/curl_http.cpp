#include "runtime/docker/curl_http.hpp"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <mutex>

namespace ecslocal::runtime {
namespace {

constexpr std::size_t max_buffered_body = 256 * 1024 * 1024;

void ensure_curl_global() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  const HttpRequest* request = nullptr;
  CURL* easy = nullptr;
  HttpResponse response;
  bool streaming = false;
  bool reader_stopped = false;
  bool too_large = false;
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line == "\r\n" || line == "\n") {
    long status = 0;
    curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200) {  // not an interim 1xx
      transfer->response.status = status;
      transfer->streaming = transfer->request->on_body && status < 300;
      if (transfer->request->on_status) transfer->request->on_status(status);
    }
  }
  return size * count;
}

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view chunk(data, size * count);
  if (transfer->streaming) {
    if (!transfer->request->on_body(chunk)) {
      transfer->reader_stopped = true;
      return 0;
    }
    return chunk.size();
  }
  if (transfer->response.body.size() + chunk.size() > max_buffered_body) {
    transfer->too_large = true;
    return 0;
  }
  transfer->response.body.append(chunk);
  return chunk.size();
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct MultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};

void set_method(CURL* easy, const HttpRequest& request) {
  if (request.method == "POST") {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.c_str());
  } else if (request.method != "GET") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

DockerError transport_error(CURLcode code, const char* detail, long os_errno, const HttpRequest& request,
                            const DockerEndpoint& endpoint) {
  std::string what = request.method + " " + request.target;
  std::string reason = *detail ? detail : curl_easy_strerror(code);
  // curl words a unix socket failure as "localhost port 80": the system's reason says more.
  if (code == CURLE_COULDNT_CONNECT && !endpoint.unix_socket.empty() && os_errno != 0) {
    reason = std::strerror(static_cast<int>(os_errno));
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return docker_error(DockerErrorKind::timeout, what + " timed out: " + reason);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return docker_error(DockerErrorKind::unavailable,
                          "cannot connect to the Docker daemon at " + endpoint.display + ": " + reason);
    default:
      return docker_error(DockerErrorKind::unavailable, what + " failed: " + reason);
  }
}

struct RunOutcome {
  CURLcode result = CURLE_OK;
  bool cancelled = false;
};

// Drives the transfer; a stop request wakes the poll at once.
RunOutcome run(CURLM* multi, std::stop_token stop) {
  RunOutcome outcome;
  {
    std::stop_callback wake(stop, [multi] { curl_multi_wakeup(multi); });
    int running = 1;
    while (true) {
      if (curl_multi_perform(multi, &running) != CURLM_OK) {
        outcome.result = CURLE_FAILED_INIT;
        return outcome;
      }
      if (running == 0) break;
      if (stop.stop_requested()) {
        outcome.cancelled = true;
        return outcome;
      }
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
  }
  int pending = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &pending)) {
    if (message->msg == CURLMSG_DONE) outcome.result = message->data.result;
  }
  return outcome;
}

void configure(CURL* h, const DockerEndpoint& endpoint, const HttpRequest& request, const std::string& url,
               curl_slist* headers, Transfer* transfer, char* error_text) {
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  if (!endpoint.unix_socket.empty()) curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, endpoint.unix_socket.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_PROXY, "");  // never through a proxy: the daemon is local or named
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  if (request.inactivity.count() > 0) {
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.inactivity.count()));
  }
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, transfer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, transfer);
  set_method(h, request);
}

}  // namespace

CurlHttp::CurlHttp(DockerEndpoint endpoint) : endpoint_(std::move(endpoint)) { ensure_curl_global(); }

DockerResult<HttpResponse> CurlHttp::perform(const HttpRequest& request, std::stop_token stop) const {
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  std::unique_ptr<CURLM, MultiDeleter> multi(curl_multi_init());
  if (!easy || !multi) return docker_error(DockerErrorKind::unavailable, "libcurl could not start a transfer");
  Transfer transfer{&request, easy.get(), {}, false, false, false};
  char error_text[CURL_ERROR_SIZE] = {0};
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&](const std::string& line) { headers.reset(curl_slist_append(headers.release(), line.c_str())); };
  for (const auto& line : request.headers) add_header(line);
  if (!request.body.empty()) add_header("Content-Type: application/json");
  add_header("Expect:");
  std::string url = endpoint_.base_url + request.target;
  configure(easy.get(), endpoint_, request, url, headers.get(), &transfer, error_text);

  curl_multi_add_handle(multi.get(), easy.get());
  RunOutcome outcome = run(multi.get(), stop);
  curl_multi_remove_handle(multi.get(), easy.get());

  std::string what = request.method + " " + request.target;
  if (outcome.cancelled || (transfer.reader_stopped && stop.stop_requested())) {
    return docker_error(DockerErrorKind::cancelled, what + " stopped");
  }
  if (transfer.reader_stopped) return docker_error(DockerErrorKind::cancelled, what + " ended by its reader");
  if (transfer.too_large) return docker_error(DockerErrorKind::protocol, "the Docker response is too large");
  if (outcome.result != CURLE_OK) {
    long os_errno = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_OS_ERRNO, &os_errno);
    return transport_error(outcome.result, error_text, os_errno, request, endpoint_);
  }
  return std::move(transfer.response);
}

}  // namespace ecslocal::runtime
