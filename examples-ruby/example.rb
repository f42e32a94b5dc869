# libdogapi from Ruby with the ffi gem: post an event and a metric, record stats.
#
#   LD_LIBRARY_PATH=/path/to/lib DD_API_KEY=... ruby example.rb
#
# DOGAPI_LIBRARY may name the library file (default "libdogapi.so.0" through the loader path).
# When DOG_INTAKE_URL is set (the test suite runs this under `dog-intake run --strict`), it then
# asks the local intake what it received and fails unless the event and the metric arrived.
require 'ffi'
require 'json'
require 'net/http'
require 'socket'
require 'uri'

module Dogapi
  extend FFI::Library
  ffi_lib ENV.fetch('DOGAPI_LIBRARY', 'libdogapi.so.0')

  OK = 0

  attach_function :dog_version, [], :string
  attach_function :dog_error_last, [], :string
  attach_function :dog_status_str, [:int32], :string # dog_status_t is int32_t
  attach_function :dog_http_new, [:string, :string], :pointer
  attach_function :dog_http_free, [:pointer], :void
  attach_function :dog_event_post,
                  [:pointer, :string, :string, :int64, :string, :string, :int64, :string, :string,
                   :string, :string, :string, :string, :pointer], :int32
  attach_function :dog_metric_post,
                  [:pointer, :string, :double, :string, :string, :string, :string, :pointer], :int32
  attach_function :dog_response_id, [:pointer], :string
  attach_function :dog_response_free, [:pointer], :void

  # The stats aggregator (DogStatsApi) and its options (an opaque object with one setter each).
  attach_function :dog_stats_options_new, [], :pointer
  attach_function :dog_stats_options_free, [:pointer], :void
  attach_function :dog_stats_options_set_flush_interval, [:pointer, :double], :int32
  attach_function :dog_stats_options_set_host, [:pointer, :string], :int32
  attach_function :dog_stats_options_set_dogstatsd_url, [:pointer, :string], :int32
  attach_function :dog_stats_options_set_flush_in_thread, [:pointer, :bool], :int32
  attach_function :dog_stats_new, [], :pointer
  attach_function :dog_stats_start, [:pointer, :pointer], :int32
  attach_function :dog_stats_increment, [:pointer, :string, :double, :string], :int32
  attach_function :dog_stats_gauge, [:pointer, :string, :double, :string], :int32
  attach_function :dog_stats_histogram, [:pointer, :string, :double, :string], :int32
  # A pre-registered counter: name and tags checked once, then dog_stats_counter_add reads no string.
  attach_function :dog_stats_counter_new, [:pointer, :string, :string], :pointer
  attach_function :dog_stats_counter_add, [:pointer, :double], :int32
  attach_function :dog_stats_counter_free, [:pointer], :void
  attach_function :dog_stats_distribution, [:pointer, :string, :double, :string], :int32
  attach_function :dog_stats_stop, [:pointer, :double], :int32
  attach_function :dog_stats_free, [:pointer], :void

  class Error < StandardError; end

  def self.check(status)
    raise Error, "#{dog_status_str(status)}: #{dog_error_last}" unless status == OK
  end

  # Owns a dog_http_t; freed by the block form or #close.
  class Client
    def self.open(api_key = nil, app_key = nil)
      client = new(api_key, app_key)
      yield client
    ensure
      client&.close
    end

    def initialize(api_key = nil, app_key = nil)
      @h = Dogapi.dog_http_new(api_key, app_key)
      raise Error, Dogapi.dog_error_last if @h.null?
    end

    def close
      Dogapi.dog_http_free(@h) unless @h.nil?
      @h = nil
    end

    # Returns the event id.
    def event(title, text, tags: nil)
      out = FFI::MemoryPointer.new(:pointer)
      status = Dogapi.dog_event_post(@h, title, text, 0, nil, nil, 0, tags, nil, nil, nil, nil, nil, out)
      resp = out.read_pointer
      begin
        Dogapi.check(status)
        Dogapi.dog_response_id(resp)
      ensure
        Dogapi.dog_response_free(resp) unless resp.null?
      end
    end

    def metric(name, value, tags: nil, type: nil)
      Dogapi.check(Dogapi.dog_metric_post(@h, name, value.to_f, nil, nil, tags, type, nil))
    end
  end
end

puts "libdogapi #{Dogapi.dog_version}"
Dogapi::Client.open do |dd| # keys from DD_API_KEY / DD_APP_KEY
  id = dd.event('Ruby example', 'Hello from the ffi gem', tags: 'lang:ruby,example:ffi')
  puts "event posted, id #{id}"
  dd.metric('example.ruby.requests', 17, tags: 'lang:ruby', type: 'count')
  puts 'metric posted'
end

stats = Dogapi.dog_stats_new
begin
  opts = Dogapi.dog_stats_options_new # unset options: defaults; host/key from DATADOG_HOST / DD_API_KEY
  begin
    Dogapi.check(Dogapi.dog_stats_options_set_flush_interval(opts, 10.0))
    Dogapi.check(Dogapi.dog_stats_options_set_host(opts, 'ruby-example'))
    Dogapi.check(Dogapi.dog_stats_start(stats, opts))
  ensure
    Dogapi.dog_stats_options_free(opts) # dog_stats_start copied them
  end
  10.times do |i|
    Dogapi.check(Dogapi.dog_stats_increment(stats, 'example.ruby.stats.count', 1.0, 'lang:ruby'))
    Dogapi.check(Dogapi.dog_stats_histogram(stats, 'example.ruby.stats.latency', 0.01 * i, nil))
    # every value is sent (/api/v1/distribution_points): percentiles across hosts
    Dogapi.check(Dogapi.dog_stats_distribution(stats, 'example.ruby.stats.size', 100.0 * i, nil))
  end
  Dogapi.check(Dogapi.dog_stats_gauge(stats, 'example.ruby.stats.gauge', 42.0, nil))
  handled = Dogapi.dog_stats_counter_new(stats, 'example.ruby.stats.handled', 'lang:ruby')
  raise Dogapi::Error, Dogapi.dog_error_last if handled.null?
  begin
    5.times { Dogapi.check(Dogapi.dog_stats_counter_add(handled, 1.0)) }
  ensure
    Dogapi.dog_stats_counter_free(handled)
  end
  Dogapi.check(Dogapi.dog_stats_stop(stats, 10.0)) # flushes everything, current bucket included
ensure
  Dogapi.dog_stats_free(stats)
end
puts 'stats recorded and flushed'

# The Agent mode: the same calls sent over DogStatsD to the Datadog Agent (no API key). A UDP
# socket stands in for the Agent; in production leave the URL unset and let DD_DOGSTATSD_URL /
# DD_AGENT_HOST choose, or pass 'udp://localhost:8125'.
agent = UDPSocket.new
agent.bind('127.0.0.1', 0)
stats = Dogapi.dog_stats_new
begin
  opts = Dogapi.dog_stats_options_new
  begin
    Dogapi.check(Dogapi.dog_stats_options_set_dogstatsd_url(opts, "udp://127.0.0.1:#{agent.addr[1]}"))
    Dogapi.check(Dogapi.dog_stats_options_set_flush_in_thread(opts, false))
    Dogapi.check(Dogapi.dog_stats_start(stats, opts))
  ensure
    Dogapi.dog_stats_options_free(opts)
  end
  10.times { Dogapi.check(Dogapi.dog_stats_increment(stats, 'example.ruby.agent.count', 1.0, 'lang:ruby')) }
  Dogapi.check(Dogapi.dog_stats_stop(stats, 10.0))
ensure
  Dogapi.dog_stats_free(stats)
end
abort 'the Agent stand-in received nothing' unless IO.select([agent], nil, nil, 10)
datagram = agent.recv(65_535)
agent.close
abort "the Agent stand-in received #{datagram.inspect}" unless datagram.include?('example.ruby.agent.count:10|c|#lang:ruby')
puts "the Agent stand-in received: #{datagram.strip}"

if (intake = ENV['DOG_INTAKE_URL'])
  seen = JSON.parse(Net::HTTP.get(URI("#{intake.chomp('/')}/_intake/requests")))
  events = seen.select { |q| q['path'] == '/api/v1/events' && q['body'].is_a?(Hash) && q['body']['title'] == 'Ruby example' }
  series = seen.select { |q| q['path'] == '/api/v1/series' && JSON.generate(q['body']).include?('example.ruby.requests') }
  # the stats series carry the host set with dog_stats_options_set_host
  stats = seen.select { |q| q['path'] == '/api/v1/series' && JSON.generate(q['body']).include?('example.ruby.stats.count') && JSON.generate(q['body']).include?('example.ruby.stats.handled') && JSON.generate(q['body']).include?('"ruby-example"') }
  bad = (events + series + stats).reject { |q| %w[valid no_spec].include?(q['contract']) }
  if events.empty? || series.empty? || stats.empty? || !bad.empty?
    abort "intake check failed: events=#{events.size} series=#{series.size} stats=#{stats.size} contract problems=#{bad.map { |q| q['contract_errors'] }}"
  stats = seen.select { |q| q['path'] == '/api/v1/series' && JSON.generate(q['body']).include?('example.ruby.stats.count') && JSON.generate(q['body']).include?('"ruby-example"') }
  dists = seen.select { |q| q['path'] == '/api/v1/distribution_points' && JSON.generate(q['body']).include?('example.ruby.stats.size') }
  bad = (events + series + stats + dists).reject { |q| %w[valid no_spec].include?(q['contract']) }
  if events.empty? || series.empty? || stats.empty? || dists.empty? || !bad.empty?
    abort "intake check failed: events=#{events.size} series=#{series.size} stats=#{stats.size} distributions=#{dists.size} contract problems=#{bad.map { |q| q['contract_errors'] }}"
  end
  puts 'the intake received the event and the metric'
end
